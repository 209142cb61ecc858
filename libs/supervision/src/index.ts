export * from './credit.service.js';
export * from './credit.views.js';
export * from './credit.module.js';
export * from './alerts.service.js';
export * from './alerts.views.js';
export * from './alerts.module.js';
export * from './live-alert-checks.js';
