export * from './credit.service.js';
export * from './credit.views.js';
export * from './credit.module.js';
export * from './fees.service.js';
export * from './fees.module.js';
export * from './deal-review.service.js';
