import { Module } from '@nestjs/common';
import { DisclosureService } from './disclosure.service.js';

/** Public disclosure (公开) for the api. Needs CoreModule (config) and PersistenceModule from the app. */
@Module({
  providers: [DisclosureService],
  exports: [DisclosureService],
})
export class DisclosureModule {}
