import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from './config.js';
import { Clock, OffsetClock, SystemClock } from './clock.js';
import { LOGGER } from './logger.js';

/** Config, logger and clock for every process, resolved before Nest starts. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: Clock,
          useValue: config.CLOCK_OFFSET_MS ? new OffsetClock(config.CLOCK_OFFSET_MS) : new SystemClock(),
        },
      ],
      exports: [APP_CONFIG, LOGGER, Clock],
    };
  }
}
