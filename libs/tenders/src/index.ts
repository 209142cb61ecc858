export * from './tender-project.views.js';
export * from './tenders.service.js';
