import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unreachable';
  version: string;
  uptimeSeconds: number;
  migrations: number;
}

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(): Promise<HealthReport> {
    let database: HealthReport['database'] = 'ok';
    let migrations = 0;
    try {
      const [row] = await this.dataSource.query('SELECT count(*)::int AS n FROM shakedown_migrations');
      migrations = row?.n ?? 0;
    } catch {
      database = 'unreachable';
    }
    return {
      status: database === 'ok' ? 'ok' : 'degraded',
      database,
      version: process.env.npm_package_version ?? '0.1.0',
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      migrations,
    };
  }
}
