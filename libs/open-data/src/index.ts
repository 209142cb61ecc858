export * from './ocds-input.js';
export * from './ocds-money.js';
export * from './ocds-status.js';
export * from './ocds-mapping.js';
