import { Module } from '@nestjs/common';
import { FeesService } from './fees.service.js';
import { DealReviewService } from './deal-review.service.js';

/** Fees (收费) and the review of deal records for the api. Needs CoreModule (config) and PersistenceModule (repositories) from the app. */
@Module({
  providers: [FeesService, DealReviewService],
  exports: [FeesService, DealReviewService],
})
export class FeesModule {}
