import { Module } from '@nestjs/common';
import { MetricsController } from 'src/metrics/metrics.controller';
import { MetricsRepository } from 'src/metrics/metrics.repository';
import { MetricsService } from 'src/metrics/metrics.service';

/** `GET /metrics`: Prometheus metrics of the deployment, computed from PostgreSQL at scrape time. */
@Module({ controllers: [MetricsController], providers: [MetricsRepository, MetricsService], exports: [MetricsService] })
export class MetricsModule {}
