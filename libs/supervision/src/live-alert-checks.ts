import type { Provider } from '@nestjs/common';
import { BID_ORIGIN_WATCH } from '@ggzy/auction';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import { createQueueBackend, LiveAlertChecks } from '@ggzy/queues';

/**
 * For AuctionModule's extras where bids are placed (the api's REST twins, the gateway's socket):
 * an accepted bid with a known origin queues early warning's live address/device check.
 */
export const liveAlertChecks: Provider = {
  provide: BID_ORIGIN_WATCH,
  inject: [APP_CONFIG, LOGGER],
  useFactory: (config: AppConfig, logger: Logger) =>
    new LiveAlertChecks(createQueueBackend(config), (error) =>
      logger.warn({ err: error }, 'a live early-warning check was not queued; the close will run it'),
    ),
};
