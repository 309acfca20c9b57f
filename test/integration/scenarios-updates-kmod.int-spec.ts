import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError } from 'src/scenarios/scenario.errors';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { HarnessLab, ScenarioHarness, startHarnessLab } from 'test/utils/scenario-harness';

jest.setTimeout(180_000);

const byId = (id: string): ScenarioDefinition => {
  const d = defaultScenarios().find((s) => s.id === id);
  if (!d) throw new Error(`no scenario ${id}`);
  return d;
};

const UPDATES = { with: { packages: ['xapi-core', 'sm'], enablerepo: 'xcp-ng-testing', service_timeout_s: 5 } };

describe('update candidates and the kernel module policy on the simulated lab', () => {
  let env: HarnessLab;

  beforeAll(async () => {
    env = await startHarnessLab();
  });
  afterAll(async () => {
    await env.stop();
  });
  afterEach(() => {
    env.lab.faults.clear();
  });

  async function run(
    id: string,
    params: Record<string, unknown>,
    settings: Record<string, unknown>,
    before?: (ctx: ScenarioHarness) => Promise<void>,
  ): Promise<{ ctx: ScenarioHarness; error: unknown }> {
    const def = byId(id);
    const ctx = env.context(def, params, settings);
    await before?.(ctx);
    let error: unknown = null;
    try {
      await def.run(ctx);
    } catch (err) {
      error = err;
    }
    expect(await ctx.finish()).toEqual([]);
    return { ctx, error };
  }

  const rpmQ = async (ctx: ScenarioHarness, host: string, pkg: string): Promise<string> => {
    const h = ctx.pools[0]!.hosts.find((x) => x.name === host)!;
    return (await ctx.runner(h).exec(`rpm -q ${pkg}`)).stdout.trim();
  };

  it('should update the named packages from xcp-ng-testing on every host and restart xapi', async () => {
    const { ctx, error } = await run('updates.testing-candidates', {}, UPDATES);
    expect(error).toBeNull();
    for (const host of ctx.pools[0]!.hosts) {
      expect(await rpmQ(ctx, host.name, 'xapi-core')).toBe('xapi-core-24.19.2-1.11.xcpng8.3.x86_64');
      expect(ctx.steps.find((s) => s.name === `${host.name}: xapi restarted and active`)?.ok).toBe(true);
      expect(ctx.artifacts.get(`yum-update-${host.name}.log`)).toContain('Complete!');
    }
    expect(ctx.commands.some((c) => c.command === 'xe-toolstack-restart')).toBe(true);
    expect(ctx.metric('update.duration_ms')).toHaveLength(ctx.pools[0]!.hosts.length);
  });

  it('should fail, naming the package, when the testing repository has nothing newer', async () => {
    const { error } = await run('updates.testing-candidates', {}, { with: { packages: ['xcp-networkd'] } });
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).code).toBe('SCENARIO_CHECK_FAILED');
    expect((error as Error).message).toMatch(
      /xcp-networkd is still .* after the update \(xcp-ng-testing offered no newer build/,
    );
  });

  it('should fail with what systemctl says when xapi does not come back after the update (xapi-restart fault)', async () => {
    const settings = { with: { packages: ['xenopsd-xc'], service_timeout_s: 5 } };
    const { ctx, error } = await run('updates.testing-candidates', {}, settings, async (c) => {
      env.lab.faults.set({ host: c.pools[0]!.master.name, kind: 'xapi-restart', arg: '0' });
    });
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toMatch(
      /xenopsd-xc active on \S+ after the update did not happen within 5 s; last seen: systemctl is-active says activating/,
    );
    expect(ctx.steps.filter((s) => !s.ok).map((s) => s.name)).toContain(
      `${ctx.pools[0]!.master.name}: xenopsd-xc restarted and active`,
    );
  });

  it.each(['alt', 'module', 'kmod'])(
    'should install a %s package where the policy says, load it after a reboot, and fall back when removed',
    async (kind) => {
      const { ctx, error } = await run('kmod.policy', { package: kind }, {});
      expect(error).toBeNull();
      const dir = kind === 'alt' ? 'override' : 'extra';
      expect(ctx.steps.find((s) => s.name === `module file in ${dir}/ and modinfo reports it`)?.ok).toBe(true);
      expect(ctx.commands.filter((c) => c.command.startsWith('xe host-reboot'))).toHaveLength(2);
      expect(ctx.steps.every((s) => s.ok)).toBe(true);
      // Nothing left installed, every host back and listening.
      const host = ctx.commands.find((c) => c.command.startsWith('yum install'))!.host;
      const pkg = { alt: 'broadcom-bnxt-en-alt', module: 'ceph-module', kmod: 'kmod-zfs-4.19.0+1' }[kind]!;
      expect(await rpmQ(ctx, host, pkg)).toBe(`package ${pkg} is not installed`);
      expect(env.lab.snapshot().hosts.every((h) => h.listening)).toBe(true);
    },
  );

  it('should fail before installing anything when depmod does not search override first', async () => {
    let host = '';
    const { ctx, error } = await run('kmod.policy', { package: 'alt' }, {}, async (c) => {
      for (const h of c.pools[0]!.hosts) {
        await c.runner(h).exec('echo "search updates extra built-in weak-updates" > /etc/depmod.d/dist.conf');
      }
      host = c.pools[0]!.hosts[0]!.name;
    });
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toMatch(
      /depmod searches "updates extra built-in weak-updates" \(\/etc\/depmod.d\/dist.conf\); the policy puts override first/,
    );
    expect(ctx.commands.some((c) => c.command.startsWith('yum install'))).toBe(false);
    for (const h of ctx.pools[0]!.hosts) {
      await ctx
        .runner(h)
        .exec(
          'echo "# override default search ordering for kmod packaging" > /etc/depmod.d/dist.conf && echo "search override updates extra built-in weak-updates" >> /etc/depmod.d/dist.conf',
        );
    }
    expect(host).not.toBe('');
  });

  it('should refuse a package whose name breaks the naming convention', async () => {
    const { error } = await run('kmod.policy', { package: 'alt' }, { with: { packages: { alt: 'bnxt-en-new' } } });
    expect((error as Error).message).toMatch(/package bnxt-en-new does not follow the naming convention for alt/);
  });
});
