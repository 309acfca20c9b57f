import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsService } from 'src/metrics/metrics.service';

/**
 * Prometheus scrapes this. It follows the rule of every read: open to anyone while public read is on
 * (the default), and with SHAKEDOWN_PUBLIC_READ=false it needs a token, any role (give Prometheus a
 * submitter token, the least one). It shows counts and durations only: no names, hosts or secrets.
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format: queue depth, cases by outcome, lease waits, SSH command latencies, workers.',
  })
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.scrape();
    // Sent as bytes: Express would rewrite a string's content type (moving `charset` first).
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(Buffer.from(text, 'utf8'));
  }
}
