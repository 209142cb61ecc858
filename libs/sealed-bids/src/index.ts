export * from './key-ring.js';
export * from './sealed-bids.js';
export * from './experts/expert-pool.service.js';
export * from './experts/expert-pool.module.js';
export * from './sealed-bid-rules.js';
export * from './sealed-bids.service.js';
export * from './sealed-bids.module.js';
export * from './sealed-bid.views.js';
