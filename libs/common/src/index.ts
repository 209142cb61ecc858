export * from './config.js';
export * from './clock.js';
export * from './logger.js';
export * from './rate-limiter.js';
export * from './errors.js';
export * from './http-exception.filter.js';
export * from './validation.js';
export * from './core.module.js';
