import { withNamedLock } from 'src/database/named-lock';
import { listPreparedTemplates } from 'src/remote/prepared-templates';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { PoolOps } from 'src/scenarios/support/pool-ops';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { HarnessLab, startHarnessLab } from 'test/utils/scenario-harness';

jest.setTimeout(180_000);

describe('two cases needing the same prepared template at once', () => {
  let env: HarnessLab;
  let db: TestDatabase;

  beforeAll(async () => {
    [env, db] = await Promise.all([startHarnessLab(), createTestDatabase()]);
  });

  afterAll(async () => {
    await env?.stop();
    await db?.close();
  });

  it('build it once: the second waits on the PostgreSQL lock, then makes its VM from the first one’s template', async () => {
    const fio = defaultScenarios().find((s) => s.id === 'perf.fio')!;
    const params = { workload: 'read', release: 'baseline', sr_kind: 'ext' };
    const [a, b] = [
      env.context(fio, params, { with: { size: '64M' } }),
      env.context(fio, params, { with: { size: '64M' } }),
    ];
    for (const ctx of [a, b]) ctx.exclusive = (name, fn) => withNamedLock(db.dataSource, name, fn);
    const results = await Promise.allSettled([fio.run(a), fio.run(b)]);
    expect(await a.finish()).toEqual([]);
    expect(await b.finish()).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    // fio went into one template once, whichever case got the lock first.
    expect([...a.installs, ...b.installs]).toEqual([
      { pool: a.pool('pool').name, template: 'Debian Bookworm 12', software: ['fio'], manager: 'apt-get' },
    ]);
    expect(await listPreparedTemplates(new PoolOps(a, a.pool('pool')).xe)).toHaveLength(1);
  });
});
