export * from './transfer-project.views.js';
export * from './transfers.service.js';
export * from './transfer-auction.host.js';
export * from './transfer-supervised-process.js';
