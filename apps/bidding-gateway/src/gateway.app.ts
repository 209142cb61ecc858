import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { type AppConfig, PinoNestLogger } from '@ggzy/common';
import { GatewayModule } from './gateway.module.js';
import { ClusterIoAdapter } from './socket-adapter.js';
import { SocketLimits } from './socket-limits.js';

export async function createGatewayApp(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
  });
  app.useWebSocketAdapter(new ClusterIoAdapter(app, config, app.get(SocketLimits)));
  app.enableShutdownHooks();
  return app;
}
