export * from './registrations.service.js';
export * from './registration.views.js';
export * from './supervised-process.js';
