export * from './auction-jobs.js';
export * from './queue-backend.js';
export * from './auction-scheduler.js';
export * from './infrastructure.js';
export * from './health.service.js';
export * from './health.controller.js';
export * from './report-jobs.js';
export * from './transfer-jobs.js';
