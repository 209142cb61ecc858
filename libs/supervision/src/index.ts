export * from './credit.service.js';
export * from './credit.views.js';
export * from './credit.module.js';
export * from './disclosure.service.js';
export * from './disclosure.views.js';
export * from './disclosure.module.js';
export * from './open-data.service.js';
