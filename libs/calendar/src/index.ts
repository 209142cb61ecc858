export * from './business-calendar.service.js';
