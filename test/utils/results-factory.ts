import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { apiFeatures } from 'src/app/api-features';
import { createHttpApp } from 'src/app/create-http-app';
import { createRootLogger } from 'src/common/logging/logger';
import type { Queryable } from 'src/common/sql/queryable';
import { AppConfig } from 'src/config/config';
import { queryRows } from 'src/database/sql';
import { caseHash, caseKey } from 'src/matrix/case-key';
import type { Params } from 'src/matrix/matrix.types';
import { configureWeb } from 'src/web/configure-web';

export interface RunFixture {
  id: string;
  number: number;
}

export interface CaseFixture {
  id: string;
  runId: string;
  caseKey: string;
  caseHash: string;
}

export interface HostFixture {
  name: string;
  version?: string;
  build?: string;
  packages?: Record<string, string>;
}

/**
 * Inserts results as the execution engine would (plain SQL into the real schema), so result pages,
 * reports and exports are tested without running anything.
 */
export class ResultsFactory {
  constructor(private readonly db: Queryable) {}

  async run(
    over: Partial<{
      campaignName: string;
      release: string;
      baselineRelease: string | null;
      labName: string;
      simulated: boolean;
      status: string;
      hosts: HostFixture[];
      options: Record<string, unknown>;
      error: string;
    }> = {},
  ): Promise<RunFixture> {
    const [row] = await queryRows(
      this.db,
      `INSERT INTO runs (campaign_name, release, baseline_release, lab_name, simulated, status, lab_snapshot, options, error,
                         started_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() - interval '10 minutes',
               CASE WHEN $6 IN ('finished','cancelled','error') THEN now() END)
       RETURNING id, number`,
      [
        over.campaignName ?? 'release-8.3',
        over.release ?? '8.3.0',
        over.baselineRelease === undefined ? '8.2.1' : over.baselineRelease,
        over.labName ?? 'lab-a',
        over.simulated ?? false,
        over.status ?? 'finished',
        JSON.stringify({ hosts: over.hosts ?? [] }),
        JSON.stringify(over.options ?? {}),
        over.error ?? null,
      ],
    );
    return { id: row.id, number: Number(row.number) };
  }

  async case(
    run: RunFixture,
    over: Partial<{
      scenario: string;
      params: Params;
      suite: string;
      status: string;
      outcome: string | null;
      errorCode: string;
      signature: string;
      reason: string;
      durationMs: number;
      settings: Record<string, unknown>;
      expectation: unknown;
      release: string;
      attemptCount: number;
    }> = {},
  ): Promise<CaseFixture> {
    const scenario = over.scenario ?? 'vm.lifecycle';
    const params = over.params ?? {};
    const key = caseKey(scenario, params);
    const hash = caseHash(key);
    const outcome = over.outcome === undefined ? 'passed' : over.outcome;
    const [row] = await queryRows(
      this.db,
      `INSERT INTO cases (run_id, case_key, case_hash, suite, scenario, params, expectation, settings, release, status, outcome,
                          reason, error_code, signature, attempt_count, duration_ms, started_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now() - interval '5 minutes',
               CASE WHEN $10 = 'done' THEN now() END)
       RETURNING id`,
      [
        run.id,
        key,
        hash,
        over.suite ?? 'lifecycle',
        scenario,
        JSON.stringify(params),
        over.expectation === undefined ? null : JSON.stringify(over.expectation),
        JSON.stringify(over.settings ?? {}),
        over.release ?? null,
        over.status ?? (outcome ? 'done' : 'pending'),
        outcome,
        over.reason ?? null,
        over.errorCode ?? null,
        over.signature ?? null,
        over.attemptCount ?? (outcome ? 1 : 0),
        over.durationMs ?? (outcome ? 1200 : null),
      ],
    );
    return { id: row.id, runId: run.id, caseKey: key, caseHash: hash };
  }

  async attempt(
    c: CaseFixture,
    over: Partial<{
      number: number;
      outcome: string;
      errorCode: string;
      errorMessage: string;
      infra: boolean;
      worker: string;
    }> = {},
  ): Promise<{ id: string }> {
    const [row] = await queryRows(
      this.db,
      `INSERT INTO attempts (case_id, number, worker, outcome, error_code, error_message, infra, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING id`,
      [
        c.id,
        over.number ?? 1,
        over.worker ?? 'worker-1',
        over.outcome ?? 'passed',
        over.errorCode ?? null,
        over.errorMessage ?? null,
        over.infra ?? false,
      ],
    );
    return { id: row.id };
  }

  async step(
    attempt: { id: string },
    over: Partial<{
      seq: number;
      phase: string;
      name: string;
      host: string;
      command: string;
      stdout: string;
      stderr: string;
      exitCode: number;
      status: string;
      message: string;
      durationMs: number;
    }> = {},
  ): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO steps (attempt_id, seq, phase, name, host, command, stdout, stderr, exit_code, status, message, started_at, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now(), $12)`,
      [
        attempt.id,
        over.seq ?? 1,
        over.phase ?? 'act',
        over.name ?? 'step',
        over.host ?? 'host-1',
        over.command ?? null,
        over.stdout ?? null,
        over.stderr ?? null,
        over.exitCode ?? 0,
        over.status ?? 'ok',
        over.message ?? null,
        over.durationMs ?? 250,
      ],
    );
  }

  async measurement(
    c: CaseFixture,
    over: Partial<{
      metric: string;
      unit: string;
      direction: 'higher' | 'lower';
      samples: number[];
      release: string;
      simulated: boolean;
    }> = {},
  ): Promise<void> {
    const samples = over.samples ?? [100, 101, 99];
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    await queryRows(
      this.db,
      `INSERT INTO measurements (run_id, case_id, case_key, metric, unit, direction, samples, value, release, simulated)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        c.runId,
        c.id,
        c.caseKey,
        over.metric ?? 'fio.read.iops',
        over.unit ?? 'IOPS',
        over.direction ?? 'higher',
        samples,
        median,
        over.release ?? null,
        over.simulated ?? false,
      ],
    );
  }

  async artifact(
    c: CaseFixture,
    over: { name: string; mediaType?: string; sha256: string; sizeBytes: number },
  ): Promise<void> {
    await queryRows(
      this.db,
      `INSERT INTO artifacts (run_id, case_id, name, media_type, sha256, size_bytes) VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.runId, c.id, over.name, over.mediaType ?? 'text/plain', over.sha256, over.sizeBytes],
    );
  }

  async knownIssue(signature: string, url: string, note: string | null = null): Promise<void> {
    await queryRows(this.db, `INSERT INTO known_issues (signature, url, note) VALUES ($1, $2, $3)`, [
      signature,
      url,
      note,
    ]);
  }

  /** What the execution engine sends on a state change (the run page listens for it). */
  async notify(payload: Record<string, unknown>): Promise<void> {
    await queryRows(this.db, `SELECT pg_notify('shakedown_events', $1)`, [JSON.stringify(payload)]);
  }
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface ResultsTestApp {
  app: INestApplication;
  dataDir: string;
  logs: string[];
}

/** The HTTP app as `shakedown serve` builds it (API features, views, static assets), on a test database. */
export async function createResultsTestApp(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<ResultsTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shakedown-web-'));
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  const app = await createHttpApp({
    config: AppConfig.fromEnv({ SHAKEDOWN_DATA_DIR: dataDir, SHAKEDOWN_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env }),
    databaseUrl,
    logger: createRootLogger('warn', sink),
    features: apiFeatures,
    configure: (a: NestExpressApplication) => configureWeb(a),
  });
  await app.init();
  return { app, dataDir, logs };
}

export interface DemoRuns {
  baseline: RunFixture;
  candidate: RunFixture;
  twoReleases: RunFixture;
  /** A case of the candidate whose name and output carry HTML. */
  hostile: CaseFixture;
  failing: CaseFixture;
}

export const HOSTILE_TEXT = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';

function noisy(seed: number, n: number, mean: number, cv: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(Math.round(mean * (1 + cv * ((s / 2147483648) * 2 - 1)) * 100) / 100);
  }
  return out;
}

/**
 * Two runs of one campaign (8.2.1 then 8.3.0) on a simulated lab, with a grid of migration cases,
 * a signature that breaks several of them, fio measurements that regress, a case whose name and
 * output are hostile HTML, and a third run holding both releases side by side.
 */
export async function seedDemoRuns(f: ResultsFactory): Promise<DemoRuns> {
  const hosts = (xen: string, xapi: string, extra: Record<string, string> = {}): HostFixture[] =>
    ['host-a', 'host-b'].map((name) => ({
      name,
      version: xen === '4.17.3' ? '8.2.1' : '8.3.0',
      build: 'b1',
      packages: { xen, xapi, ...extra },
    }));
  const baseline = await f.run({
    release: '8.2.1',
    baselineRelease: null,
    simulated: true,
    hosts: hosts('4.17.3', '1.249.0'),
  });
  const candidate = await f.run({
    release: '8.3.0',
    baselineRelease: '8.2.1',
    simulated: true,
    hosts: hosts('4.17.5', '24.16.0', { 'qemu-dp': '7.0' }),
  });
  let failing: CaseFixture | undefined;
  for (const [run, broken] of [
    [baseline, false],
    [candidate, true],
  ] as const) {
    for (const vm of ['linux', 'windows']) {
      for (const sr of ['local', 'nfs', 'iscsi']) {
        const fails = broken && sr === 'iscsi';
        const c = await f.case(run, {
          scenario: 'migration.live',
          suite: 'migration',
          params: { vm, sr },
          outcome: fails ? 'failed' : 'passed',
          errorCode: fails ? 'VM_BAD_POWER_STATE' : undefined,
          signature: fails ? 'VM_BAD_POWER_STATE: The VM must be <N> in state running' : undefined,
        });
        const a = await f.attempt(c, {
          outcome: fails ? 'failed' : 'passed',
          errorCode: fails ? 'VM_BAD_POWER_STATE' : undefined,
          errorMessage: fails ? `The VM must be 1 in state running (vm=${vm})` : undefined,
        });
        await f.step(a, { seq: 1, phase: 'prepare', name: 'start VM', command: `xe vm-start uuid=${vm}`, stdout: '' });
        await f.step(a, {
          seq: 2,
          name: 'migrate',
          command: 'xe vm-migrate live=true',
          stderr: fails ? 'The VM must be 1 in state running' : '',
          exitCode: fails ? 1 : 0,
          status: fails ? 'failed' : 'ok',
        });
        if (fails) failing ??= c;
      }
    }
    for (const [rw, metric, dir] of [
      ['read', 'fio.read.iops', 'higher'],
      ['write', 'fio.write.iops', 'higher'],
    ] as const) {
      const c = await f.case(run, {
        scenario: 'storage.fio',
        suite: 'storage',
        params: { rw, sr: 'local' },
        settings: { thresholds: { default: 10 } },
      });
      const mean = rw === 'read' && broken ? 800 : 1000;
      await f.measurement(c, {
        metric,
        unit: 'IOPS',
        direction: dir,
        samples: noisy(rw.length + (broken ? 7 : 1), 8, mean, 0.02),
        simulated: true,
      });
      await f.measurement(c, {
        metric: `fio.${rw}.clat_p99_us`,
        unit: 'us',
        direction: 'lower',
        samples: noisy(rw.length + (broken ? 9 : 3), 8, 500, 0.02),
        simulated: true,
      });
    }
  }
  const hostile = await f.case(candidate, {
    scenario: 'basic.check',
    suite: 'basic',
    params: { vm: HOSTILE_TEXT, sr: 'local' },
    outcome: 'xpassed',
    reason: HOSTILE_TEXT,
  });
  const ha = await f.attempt(hostile, { outcome: 'xpassed', errorMessage: HOSTILE_TEXT });
  await f.step(ha, { seq: 1, name: 'echo', command: `echo '${HOSTILE_TEXT}'`, stdout: HOSTILE_TEXT, status: 'ok' });

  const twoReleases = await f.run({
    campaignName: 'fio-ab',
    release: '8.3.0',
    baselineRelease: '8.2.1',
    simulated: true,
  });
  for (const release of ['8.2.1', '8.3.0']) {
    for (const bs of ['4k', '1m']) {
      const c = await f.case(twoReleases, {
        scenario: 'storage.fio',
        suite: 'storage',
        params: { bs, release },
        release,
      });
      const mean = bs === '4k' && release === '8.3.0' ? 1300 : 1000;
      await f.measurement(c, {
        metric: 'fio.read.iops',
        samples: noisy(bs.length + release.length, 8, mean, 0.02),
        simulated: true,
      });
    }
  }
  return { baseline, candidate, twoReleases, hostile, failing: failing! };
}
