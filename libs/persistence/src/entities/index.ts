export * from './column-types.js';
export * from './user.entity.js';
export * from './lease-listing.entity.js';
export * from './bid.entity.js';
export * from './deal.entity.js';
export * from './audit-entry.entity.js';
