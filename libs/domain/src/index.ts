export * from './errors.js';
export * from './money.js';
export * from './auction.js';
export * from './audit-chain.js';
export * from './lease-listing-lifecycle.js';
export * from './lease-listing-schedule.js';
export * from './calendar.js';
