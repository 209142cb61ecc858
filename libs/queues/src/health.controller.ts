import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthService } from './health.service.js';

/** `GET /api/health` on the api and `GET /health` on the gateway: 200 once the database and Redis answer. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  async check(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.check();
    if (report.status !== 'ok') response.status(503);
    return report;
  }
}
