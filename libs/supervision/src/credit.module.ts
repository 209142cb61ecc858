import { Module } from '@nestjs/common';
import { CreditService } from './credit.service.js';

/** Credit (信用) for the api. Needs CoreModule (config) and PersistenceModule (repositories) from the app. */
@Module({
  providers: [CreditService],
  exports: [CreditService],
})
export class CreditModule {}
