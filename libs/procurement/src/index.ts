export * from './procurement-project.views.js';
export * from './procurement.service.js';
