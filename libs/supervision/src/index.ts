export * from './credit.service.js';
export * from './credit.views.js';
export * from './credit.module.js';
export * from './complaints.service.js';
export * from './complaint.views.js';
