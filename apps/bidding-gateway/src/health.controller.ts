import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from '@ggzy/queues';

@Controller('health')
export class GatewayHealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  async check(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.check();
    if (report.status !== 'ok') response.status(503);
    return report;
  }
}
