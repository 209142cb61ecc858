export * from './auth-user.js';
export * from './token.service.js';
export * from './password-hasher.js';
export * from './roles.decorator.js';
export * from './auth.guard.js';
export * from './auth.module.js';
export * from './accounts.service.js';
export * from './sign-in-limits.js';
