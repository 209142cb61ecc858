export * from './key-ring.js';
export * from './sealed-bids.js';
export * from './experts/expert-pool.service.js';
export * from './experts/expert-pool.module.js';
