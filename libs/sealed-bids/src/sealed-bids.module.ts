import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { SealedBidsRepository } from '@ggzy/persistence';
import { KeyRing } from './key-ring.js';
import { BidSealer } from './sealed-bids.js';
import { SealedBidsService } from './sealed-bids.service.js';

/** The key-encryption keys from SEALED_BID_KEYS (validated at boot); prints as its key ids only. */
export const SEALED_BID_KEY_RING = Symbol('SEALED_BID_KEY_RING');

/**
 * Sealed bids for the processes whose hosts take them (api: submit, withdraw, receipts; worker:
 * the opening job). Needs CoreModule (config, logger) and PersistenceModule (DataSource, audit).
 */
@Module({
  providers: [
    {
      provide: SEALED_BID_KEY_RING,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => KeyRing.fromSetting(config.SEALED_BID_KEYS),
    },
    { provide: BidSealer, inject: [SEALED_BID_KEY_RING], useFactory: (ring: KeyRing) => new BidSealer(ring) },
    SealedBidsRepository,
    SealedBidsService,
  ],
  exports: [SEALED_BID_KEY_RING, SealedBidsService],
})
export class SealedBidsModule {}
