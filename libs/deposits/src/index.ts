export * from './deposits.service.js';
export * from './deposits.module.js';
