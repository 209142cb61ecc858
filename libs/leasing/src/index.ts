export * from './lease-listing.views.js';
export * from './lease-listings.service.js';
export * from './lease-auction.host.js';
export * from './lease-supervised-process.js';
