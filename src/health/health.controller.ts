import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/auth/roles.decorator';
import { HealthService, HealthReport } from 'src/health/health.service';

@ApiTags('health')
@Controller('api/v1/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public() // load balancers and `docker compose` health checks carry no token
  @ApiOkResponse({ description: 'The service and its database answer.' })
  check(): Promise<HealthReport> {
    return this.health.check();
  }
}
