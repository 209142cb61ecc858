import { Global, Module } from '@nestjs/common';
import { ExpertPoolService } from './expert-pool.service.js';

/**
 * The expert pool and its draws, for the api (staff and supervisors) and for the tender and
 * procurement lines, which draw inside their own transactions. Global, as DepositsModule, so a
 * line's module can ask for the service without importing this one.
 */
@Global()
@Module({ providers: [ExpertPoolService], exports: [ExpertPoolService] })
export class ExpertPoolModule {}
