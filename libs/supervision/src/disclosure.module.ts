import { Module } from '@nestjs/common';
import { DisclosureService } from './disclosure.service.js';
import { OpenDataService } from './open-data.service.js';

/** Public disclosure (公开) and open data (OCDS) for the api. Needs CoreModule and PersistenceModule from the app. */
@Module({
  providers: [DisclosureService, OpenDataService],
  exports: [DisclosureService, OpenDataService],
})
export class DisclosureModule {}
