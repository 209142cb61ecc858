import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { AuctionLifecycleService } from './auction-lifecycle.service.js';
import { BidService } from './bid.service.js';
import { SnapshotService } from './snapshot.service.js';

/** The bid path and timed steps; the host app provides LIVE_EVENTS (emitter or socket server). */
@Module({})
export class BiddingModule {
  static forRoot(liveEvents: Provider): DynamicModule {
    return {
      module: BiddingModule,
      providers: [liveEvents, BidService, SnapshotService, AuctionLifecycleService],
      exports: [liveEvents, BidService, SnapshotService, AuctionLifecycleService],
    };
  }
}
