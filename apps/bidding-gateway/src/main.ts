import 'reflect-metadata';
import { createLogger, loadEnvConfig } from '@ggzy/common';
import { resolveInfrastructure } from '@ggzy/queues';
import { createGatewayApp } from './gateway.app.js';

const env = loadEnvConfig();
const logger = createLogger('bidding-gateway', env.LOG_LEVEL);
const { config } = await resolveInfrastructure(env, (message) => logger.info(message));
const app = await createGatewayApp(config, logger);
await app.listen(config.GATEWAY_PORT, '0.0.0.0');
logger.info(
  { port: config.GATEWAY_PORT, namespace: '/bidding', node: process.version },
  'bidding gateway listening',
);
