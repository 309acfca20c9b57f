import { parseExpression } from 'cron-parser';
import { DataSource } from 'typeorm';
import { queryRows } from 'src/database/sql';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { RunService } from 'src/execution/run.service';

interface ScheduleRow {
  id: string;
  name: string;
  campaignPath: string;
  labName: string;
  cron: string;
  priority: number;
  enabled: boolean;
  lastFiredAt: Date | null;
}

const COLUMNS = `id, name, campaign_path AS "campaignPath", lab_name AS "labName", cron, priority, enabled,
  last_fired_at AS "lastFiredAt"`;

/** The most recent time `cron` fired at or before `now` (UTC). Throws a clear error on a bad expression. */
export function lastTick(cron: string, now: Date): Date {
  try {
    return parseExpression(cron, { currentDate: new Date(now.getTime() + 1000), tz: 'UTC' })
      .prev()
      .toDate();
  } catch (err) {
    throw new ExecutionError(
      `invalid cron expression "${cron}": ${(err as Error).message}`,
      ExecutionErrorCode.ScheduleInvalid,
    );
  }
}

/** The next time `cron` fires after `now` (UTC); null for an expression that cannot be read. */
function nextTick(cron: string, now: Date): Date | null {
  try {
    return parseExpression(cron, { currentDate: now, tz: 'UTC' }).next().toDate();
  } catch {
    return null;
  }
}

/** A schedule as its page shows it: when it fires next and what its last firing gave. */
interface ScheduleView extends ScheduleRow {
  nextFireAt: Date | null;
  lastRunNumber: number | null;
  lastError: string | null;
}

/**
 * Campaigns on a cron schedule. Every worker checks; a schedule fires once per tick whatever the
 * number of workers, because claiming the tick is one conditional UPDATE. A tick missed while no
 * worker ran is not replayed: the next run starts at the next tick.
 */
export class Scheduler {
  constructor(
    private readonly db: DataSource,
    private readonly runs: RunService,
  ) {}

  async upsert(s: {
    name: string;
    campaignPath: string;
    labName: string;
    cron: string;
    priority?: number;
  }): Promise<ScheduleRow> {
    lastTick(s.cron, new Date());
    const [row] = await queryRows<ScheduleRow>(
      this.db,
      `INSERT INTO schedules (name, campaign_path, lab_name, cron, priority, last_fired_at) VALUES ($1,$2,$3,$4,$5, now())
       ON CONFLICT (name) DO UPDATE SET campaign_path = EXCLUDED.campaign_path, lab_name = EXCLUDED.lab_name,
         cron = EXCLUDED.cron, priority = EXCLUDED.priority, enabled = true
       RETURNING ${COLUMNS}`,
      [s.name, s.campaignPath, s.labName, s.cron, s.priority ?? 0],
    );
    return row!;
  }

  list(): Promise<ScheduleRow[]> {
    return queryRows<ScheduleRow>(this.db, `SELECT ${COLUMNS} FROM schedules ORDER BY name`);
  }

  async listWithLastRuns(now = new Date()): Promise<ScheduleView[]> {
    const rows = await queryRows<ScheduleRow & { lastRunNumber: number | null; lastError: string | null }>(
      this.db,
      `SELECT s.id, s.name, s.campaign_path AS "campaignPath", s.lab_name AS "labName", s.cron, s.priority, s.enabled,
              s.last_fired_at AS "lastFiredAt", r.number AS "lastRunNumber", s.last_error AS "lastError"
         FROM schedules s LEFT JOIN runs r ON r.id = s.last_run_id ORDER BY s.name`,
    );
    return rows.map((r) => ({ ...r, nextFireAt: r.enabled ? nextTick(r.cron, now) : null }));
  }

  /** Pauses (false) or resumes (true) a schedule; false when there is no schedule of that name. */
  async setEnabled(name: string, enabled: boolean): Promise<boolean> {
    // Resuming does not replay the ticks missed while paused: the next run starts at the next tick.
    const rows = await queryRows(
      this.db,
      `UPDATE schedules SET enabled = $2, last_fired_at = CASE WHEN $2 THEN now() ELSE last_fired_at END
        WHERE name = $1 RETURNING id`,
      [name, enabled],
    );
    return rows.length > 0;
  }

  async remove(name: string): Promise<boolean> {
    return (await queryRows(this.db, `DELETE FROM schedules WHERE name = $1 RETURNING id`, [name])).length > 0;
  }

  /** Starts the runs whose tick has come; returns the names of the schedules that fired. */
  async fireDue(now = new Date()): Promise<string[]> {
    const fired: string[] = [];
    for (const s of await this.list()) {
      if (!s.enabled) continue;
      let tick: Date;
      try {
        tick = lastTick(s.cron, now);
      } catch {
        continue;
      }
      const claimed = await queryRows(
        this.db,
        `UPDATE schedules SET last_fired_at = $2 WHERE id = $1 AND (last_fired_at IS NULL OR last_fired_at < $2) RETURNING id`,
        [s.id, tick],
      );
      if (!claimed.length) continue;
      try {
        const { run } = await this.runs.start({
          campaign: s.campaignPath,
          lab: s.labName,
          priority: s.priority,
          createdBy: `schedule ${s.name}`,
        });
        await queryRows(this.db, `UPDATE schedules SET last_run_id = $2, last_error = NULL WHERE id = $1`, [
          s.id,
          run.id,
        ]);
        fired.push(s.name);
      } catch (err) {
        await queryRows(this.db, `UPDATE schedules SET last_error = $2 WHERE id = $1`, [s.id, (err as Error).message]);
      }
    }
    return fired;
  }
}
