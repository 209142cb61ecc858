export * from './procurement-project.views.js';
export * from './procurement.service.js';
export * from './procurement-evaluation.views.js';
export * from './procurement-evaluation.service.js';
export * from './procurement-contract-watch.js';
export * from './procurement-framework.service.js';
export * from './procurement-supervised-process.js';
