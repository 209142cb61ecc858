export * from './live-events.js';
export * from './bid.service.js';
export * from './snapshot.service.js';
export * from './auction-lifecycle.service.js';
export * from './auction.module.js';
export * from './listing-read-cache.js';
export * from './auction-host.js';
export * from './on-site-auction.service.js';
