import { Module } from '@nestjs/common';
import { AlertsService } from './alerts.service.js';

/** Early warning (预警). Needs CoreModule (config, logger) and PersistenceModule from the app. */
@Module({
  providers: [AlertsService],
  exports: [AlertsService],
})
export class AlertsModule {}
