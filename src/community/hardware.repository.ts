import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface HardwareClassSummary {
  hardwareClass: string;
  submissions: number;
  systems: number;
  releases: string[];
  lastSubmittedAt: string;
}

export interface SystemMeasurement {
  caseKey: string;
  metric: string;
  unit: string;
  direction: 'higher' | 'lower';
  value: number;
  samples: number[];
}

/** Accepted community results, grouped by hardware. */
@Injectable()
export class HardwareRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async classes(): Promise<HardwareClassSummary[]> {
    const rows: Array<{
      hardware_class: string;
      submissions: number;
      systems: number;
      releases: string[];
      last: Date;
    }> = await this.db.query(
      `SELECT hardware_class, count(*)::int AS submissions,
              count(DISTINCT COALESCE(hardware->>'name', '') || '|' || (hardware->'server'->>'model') || '|' || submitter)::int AS systems,
              array_agg(DISTINCT release ORDER BY release) AS releases, max(created_at) AS last
         FROM submissions WHERE status = 'accepted'
        GROUP BY hardware_class ORDER BY hardware_class`,
    );
    return rows.map((r) => ({
      hardwareClass: r.hardware_class,
      submissions: r.submissions,
      systems: r.systems,
      releases: r.releases,
      lastSubmittedAt: r.last.toISOString(),
    }));
  }

  /** fio (and any other) measurements of one submission's run. */
  async measurementsOf(runId: string): Promise<SystemMeasurement[]> {
    const rows: Array<{
      case_key: string;
      metric: string;
      unit: string;
      direction: 'higher' | 'lower';
      value: number;
      samples: number[];
    }> = await this.db.query(
      `SELECT case_key, metric, unit, direction, value, samples FROM measurements WHERE run_id = $1 ORDER BY case_key, metric`,
      [runId],
    );
    return rows.map((r) => ({
      caseKey: r.case_key,
      metric: r.metric,
      unit: r.unit,
      direction: r.direction,
      value: r.value,
      samples: r.samples,
    }));
  }
}
