import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { AuctionLifecycleService } from './auction-lifecycle.service.js';
import { BidService } from './bid.service.js';
import { SnapshotService } from './snapshot.service.js';
import { OnSiteAuctionService } from './on-site-auction.service.js';
import { LIVE_EVENTS, type LiveEvents } from './live-events.js';

@Injectable()
class LiveEventsCloser implements OnApplicationShutdown {
  constructor(@Inject(LIVE_EVENTS) private readonly liveEvents: LiveEvents) {}
  async onApplicationShutdown() {
    await this.liveEvents.close();
  }
}

/**
 * The bid path and timed steps; the host app provides LIVE_EVENTS (emitter or socket server),
 * if it can keep one fresh a LISTING_READ_CACHE, and where auctions close (the worker) the
 * AUCTION_HOSTS that say what each line's sale is as a deal.
 */
@Module({})
export class AuctionModule {
  static forRoot(liveEvents: Provider, extras: Provider[] = []): DynamicModule {
    return {
      module: AuctionModule,
      providers: [
        liveEvents,
        ...extras,
        LiveEventsCloser,
        BidService,
        SnapshotService,
        AuctionLifecycleService,
        OnSiteAuctionService,
      ],
      exports: [
        liveEvents,
        ...extras,
        BidService,
        SnapshotService,
        AuctionLifecycleService,
        OnSiteAuctionService,
      ],
    };
  }
}
