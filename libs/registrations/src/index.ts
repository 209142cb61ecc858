export * from './registrations.service.js';
