import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/auth/roles.decorator';
import { HealthService, HealthReport } from 'src/health/health.service';

@ApiTags('health')
@Controller('api/v1/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public() // load balancers and `docker compose` health checks carry no token
  @ApiOkResponse({ description: 'The service and its database answer (503 with the same body when one does not).' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    // Load balancers and compose's healthcheck look at the status code, not at the body.
    if (report.status !== 'ok') res.status(503);
    return report;
  }
}
