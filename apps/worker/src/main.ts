import 'reflect-metadata';
import { createLogger, loadEnvConfig } from '@ggzy/common';
import { resolveInfrastructure } from '@ggzy/queues';
import { createWorkerApp } from './worker.app.js';

const env = loadEnvConfig();
const logger = createLogger('worker', env.LOG_LEVEL);
const { config } = await resolveInfrastructure(env, (message) => logger.info(message));
await createWorkerApp(config, logger);
