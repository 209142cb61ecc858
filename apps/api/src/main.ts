import 'reflect-metadata';
import { createLogger, loadEnvConfig } from '@ggzy/common';
import { resolveInfrastructure } from '@ggzy/queues';
import { createApiApp } from './api.app.js';

const env = loadEnvConfig();
const logger = createLogger('api', env.LOG_LEVEL);
const { config } = await resolveInfrastructure(env, (message) => logger.info(message));
const app = await createApiApp(config, logger);
await app.listen(config.API_PORT, '0.0.0.0');
logger.info({ port: config.API_PORT, docs: `/docs`, node: process.version }, 'api listening');
