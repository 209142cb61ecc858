export * from './credit.service.js';
export * from './credit.views.js';
export * from './credit.module.js';
