import { mkdtempSync } from 'node:fs';
import { createServer, Server, Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startExecution, TestExecution } from 'test/utils/execution';
import { RunRepository } from 'src/execution/run.repository';
import { Worker } from 'src/execution/worker';
import { LabRepository } from 'src/lab/lab.repository';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { startSsh2Server, Ssh2ServerFixture } from 'test/fixtures/remote/ssh2-server';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { waitUntil } from 'test/utils/wait';

/** A TCP relay in front of PostgreSQL that the test can cut: the database becomes unreachable. */
class CuttableRelay {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private down = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.relay(client));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  /** Every open connection drops and new ones are refused, as when the database host vanishes. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.down) return void client.destroy();
    const upstream = connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  }
}

// A worker whose database vanishes at the moment it claims a case must neither lose the case (left
// queued with its queue job completed) nor run it twice: it retries the claim until it goes through.
describe('a worker claiming a case while the database is unreachable', () => {
  let db: TestDatabase;
  let ssh: Ssh2ServerFixture;
  let relay: CuttableRelay;
  let engine: TestExecution;
  let worker: Worker;
  let claims = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    ssh = await startSsh2Server((exec) => {
      if (exec.command.startsWith('echo ')) exec.stdout.write(`${exec.command.slice(5)}\n`);
      exec.exit(0);
    });
    await new LabRepository(db.dataSource).upsertInventory({
      name: 'outage-lab',
      simulated: true,
      credentials: { key: { keyFile: ssh.clientKeyPath } },
      pools: [
        {
          name: 'pool-830',
          master: 'h1',
          tags: [],
          hosts: [
            {
              name: 'h1',
              address: '127.0.0.1',
              port: ssh.port,
              user: 'root',
              credential: 'key',
              hostKey: ssh.hostKeyFingerprint,
              version: '8.3.0',
              tags: [],
            },
          ],
        },
      ],
    });
    const url = new URL(db.url);
    relay = await new CuttableRelay({ host: url.hostname, port: Number(url.port) }).start();
    url.port = String(relay.port);

    // The first claim finds the database gone; later ones find it back.
    const realClaim = RunRepository.prototype.claimCase;
    jest.spyOn(RunRepository.prototype, 'claimCase').mockImplementation(function (this: RunRepository, ...args) {
      claims += 1;
      if (claims === 1) relay.cut();
      else relay.restore();
      return realClaim.apply(this, args);
    });

    engine = await startExecution({
      databaseUrl: url.toString(),
      dataDir: mkdtempSync(join(tmpdir(), 'shakedown-outage-')),
      registry: new ScenarioRegistry(
        ['basic.install-check', 'basic.interfaces', 'basic.log-check'].map((id) => ({
          id,
          family: 'test',
          title: id,
          kind: 'automated' as const,
          needs: () => ({ pools: [{ role: 'main', minHosts: 1 }] }),
          run: async (ctx) => {
            await ctx.runner(ctx.pool('main').master).exec('echo checked');
          },
        })),
      ),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    worker = await engine.startWorker({
      concurrency: 2,
      executor: { retryDelayMs: 50, heartbeatMs: 200, waitPollMs: 200, leaseTtlMs: 5_000 },
      reaperIntervalMs: 500,
      idlePollMs: 200,
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await worker?.stop();
    await engine?.close();
    await relay?.close();
    await ssh?.close();
    await db?.close();
  });

  it('retries the claim and every case still ends, each run once', async () => {
    const { run, counts } = await engine.runs.start({
      campaign: {
        filename: 'outage.yaml',
        text: `
name: outage
release: 8.3.0
baseline: 8.2.1
suites:
  - { id: a, scenario: basic.install-check, title: a, covers: verify installation }
  - { id: b, scenario: basic.interfaces, title: b, covers: verify connectivity with your interfaces }
  - { id: c, scenario: basic.log-check, title: c, covers: check your logs for uncommon info or warnings. }
`,
      },
      lab: 'outage-lab',
    });
    expect(counts.queued).toBe(3);

    const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
    await waitUntil(
      async () => (await q(`SELECT status FROM runs WHERE id = $1`, [run.id]))[0].status === 'finished',
      'run finished',
    );
    const rows = await q(
      `SELECT suite, outcome, attempt_count AS attempts FROM cases WHERE run_id = $1 ORDER BY suite`,
      [run.id],
    );
    expect(rows).toEqual([
      { suite: 'a', outcome: 'passed', attempts: 1 },
      { suite: 'b', outcome: 'passed', attempts: 1 },
      { suite: 'c', outcome: 'passed', attempts: 1 },
    ]);
    // One claim per case plus at least one retry of the claim that met the outage.
    expect(claims).toBeGreaterThanOrEqual(4);
  });
});
