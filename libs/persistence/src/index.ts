export * from './entities/index.js';
export * from './data-source.js';
export * from './embedded-postgres.js';
export * from './audit-log.repository.js';
export * from './users.repository.js';
export * from './deals.repository.js';
export * from './lease-listings.repository.js';
export * from './persistence.module.js';
