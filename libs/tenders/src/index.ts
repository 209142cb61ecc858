export * from './tender-project.views.js';
export * from './tenders.service.js';
export * from './tender-evaluation.service.js';
export * from './tender-evaluation.views.js';
export * from './tender-contract-watch.js';
export * from './tender-objections.service.js';
export * from './tender-supervised-process.js';
export * from './tender-prequalification.service.js';
