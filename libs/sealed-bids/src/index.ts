export * from './key-ring.js';
export * from './sealed-bids.js';
