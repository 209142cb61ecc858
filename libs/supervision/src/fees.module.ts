import { Module } from '@nestjs/common';
import { FeesService } from './fees.service.js';

/** Fees (收费) for the api. Needs CoreModule (config) and PersistenceModule (repositories) from the app. */
@Module({
  providers: [FeesService],
  exports: [FeesService],
})
export class FeesModule {}
