import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock, LOGGER, type Logger } from '@ggzy/common';
import { AuditCheckpoints } from '@ggzy/persistence';

/**
 * Signs the audit chain's head every AUDIT_CHECKPOINT_INTERVAL_SECONDS (HMAC, key outside the
 * database), so `verify` can tell when someone with the owner's rights cut the trail back.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly checkpoints: AuditCheckpoints,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    const tick = () => {
      this.running ??= this.signOnce().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.config.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000);
  }

  async signOnce(): Promise<void> {
    try {
      const signed = await this.checkpoints.sign(this.clock.now());
      if (signed) this.logger.debug({ seq: signed.seq }, 'audit head signed');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not sign the audit head; next interval retries');
    }
  }

  async onModuleDestroy() {
    clearInterval(this.timer);
    await this.running;
  }
}
