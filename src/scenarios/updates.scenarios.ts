import { HostHandle, ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { compareRpm, yumProblems } from 'src/remote/dom0/package-output';
import { dom0, rpmVersions } from 'src/scenarios/support/dom0';
import { settingList, settingNumber, settingString } from 'src/scenarios/support/params';
import { PoolOps } from 'src/scenarios/support/pool-ops';
import { check, waitFor } from 'src/scenarios/support/wait';

/** Units restarted together by `xe-toolstack-restart` (restarting one alone leaves the toolstack inconsistent). */
const TOOLSTACK = ['xapi', 'xenopsd-xc', 'xcp-networkd', 'squeezed', 'xcp-rrdd', 'message-switch', 'forkexecd'];

/** systemd's `Tue 2024-10-01 12:00:00 UTC` → epoch ms. */
function systemdTime(text: string): number {
  const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(text);
  return m ? Date.parse(`${m[1]}T${m[2]}Z`) : NaN;
}

/** The update the seed's build process asks for, on one host; returns the updated packages. */
async function updateHost(
  ctx: ScenarioContext,
  host: HostHandle,
  packages: string[],
  repo: string,
): Promise<Array<{ name: string; from: string; to: string }>> {
  const before = await ctx.step(
    `${host.name}: installed versions`,
    async () => {
      const v = await rpmVersions(ctx, host, packages);
      const missing = packages.filter((p) => !v.has(p));
      check(
        missing.length === 0,
        `${host.name}: ${missing.join(', ')} not installed; update candidates must update packages on the system`,
      );
      return v;
    },
    { phase: 'prepare' },
  );
  const startedAt = Number((await dom0(ctx, host, 'date +%s')).stdout.trim()) * 1000;
  const command = `yum update ${packages.join(' ')} --enablerepo=${repo} -y`;
  const yum = await ctx.step(`${host.name}: ${command}`, async () => {
    const r = await ctx.runner(host).exec(command, { timeoutMs: 1_800_000, signal: ctx.signal });
    await ctx.artifact(`yum-update-${host.name}.log`, `$ ${command}\n${r.stdout}${r.stderr}`, 'text/plain');
    check(
      r.exitCode === 0,
      `${host.name}: yum exited ${r.exitCode ?? 'without status'}: ${r.stderr.trim().slice(-600)}`,
    );
    const problems = yumProblems(r);
    check(problems.length === 0, `${host.name}: yum reported problems: ${problems.join(' | ').slice(0, 600)}`);
    ctx.measure({ metric: 'update.duration_ms', unit: 'ms', direction: 'lower', samples: [r.durationMs] });
    return r;
  });
  const updated = await ctx.step(
    `${host.name}: candidate versions installed`,
    async () => {
      const after = await rpmVersions(ctx, host, packages);
      const out: Array<{ name: string; from: string; to: string }> = [];
      for (const name of packages) {
        const from = before.get(name) ?? '';
        const to = after.get(name) ?? '(removed)';
        check(
          compareRpm(to, from) > 0,
          `${host.name}: ${name} is still ${to} after the update (${repo} offered no newer build, or it did not apply)`,
        );
        check(
          yum.stdout.includes(`${name}.`) && yum.stdout.includes(to),
          `${host.name}: ${name} ${to} is installed but yum's output does not show it updated`,
        );
        out.push({ name, from, to });
        ctx.log(`${host.name}: ${name} ${from} -> ${to}`);
      }
      return out;
    },
    { phase: 'verify' },
  );
  const units = new Set<string>();
  for (const name of packages) {
    const files = await dom0(ctx, host, `rpm -ql ${name}`);
    for (const m of files.stdout.matchAll(/\/usr\/lib\/systemd\/system\/([\w@.-]+)\.service$/gm)) units.add(m[1]!);
  }
  if (units.size > 0) {
    await ctx.step(`${host.name}: restart ${[...units].join(', ')}`, async () => {
      const toolstack = [...units].some((u) => TOOLSTACK.includes(u));
      if (toolstack) await dom0(ctx, host, 'xe-toolstack-restart', 600_000);
      for (const u of units) if (!toolstack || !TOOLSTACK.includes(u)) await dom0(ctx, host, `systemctl restart ${u}`);
    });
    const boundMs = settingNumber(ctx.settings, 'service_timeout_s', 300) * 1000;
    for (const u of units) {
      await ctx.step(
        `${host.name}: ${u} restarted and active`,
        async () => {
          let state = '';
          await waitFor(
            ctx,
            `${u} active on ${host.name} after the update`,
            async () => {
              const r = await ctx.runner(host).exec(`systemctl is-active ${u}`, { timeoutMs: 30_000 });
              state = r.stdout.trim() || r.stderr.trim();
              return state === 'active' ? true : undefined;
            },
            { timeoutMs: boundMs, intervalMs: 500, lastSeen: () => `systemctl is-active says ${state}` },
          );
          const since = (await dom0(ctx, host, `systemctl show -p ActiveEnterTimestamp --value ${u}`)).stdout.trim();
          check(
            systemdTime(since) >= startedAt - 1000,
            `${host.name}: ${u} has been active since ${since}, before the update started: it was not restarted`,
          );
        },
        { phase: 'verify' },
      );
    }
  }
  return updated;
}

/**
 * Update candidates as XCP-ng's build process tests them: the suite names packages from the testing
 * repository (`with: { packages: [...], enablerepo: xcp-ng-testing }`); every host of the pool, master
 * first, is updated with `yum update <pkgs> --enablerepo=<repo>`, then the case checks the update
 * applied cleanly: the newer versions are installed, their services restarted and active, yum printed
 * no error, and xapi answers for the pool again.
 */
const testingCandidates: ScenarioDefinition = {
  id: 'updates.testing-candidates',
  family: 'updates',
  title: 'Update candidates from the testing repository apply cleanly on every host',
  kind: 'automated',
  metrics: [{ metric: 'update.duration_ms', unit: 'ms', direction: 'lower', description: 'yum update, per host' }],
  needs: (_p, campaign) => ({ pools: [{ role: 'pool', minHosts: 1, version: campaign.release }] }),
  async run(ctx) {
    const packages = settingList(ctx.settings, 'packages');
    if (packages.length === 0 || packages.some((p) => !/^[\w.+-]+$/.test(p))) {
      throw new ScenarioError(
        `with.packages must list package names to update (got ${JSON.stringify(packages)})`,
        ScenarioErrorCode.BadParams,
      );
    }
    const repo = settingString(ctx.settings, 'enablerepo') ?? 'xcp-ng-testing';
    if (!/^[\w.-]+$/.test(repo)) {
      throw new ScenarioError(
        `with.enablerepo ${JSON.stringify(repo)} is not a repository id`,
        ScenarioErrorCode.BadParams,
      );
    }
    const pool = ctx.pool('pool');
    const ops = new PoolOps(ctx, pool);
    const hosts = [pool.master, ...pool.hosts.filter((h) => h.name !== pool.master.name)];
    for (const host of hosts) await updateHost(ctx, host, packages, repo);
    await ctx.step(
      'xapi answers for the pool after the updates',
      async () => {
        let last = '';
        await waitFor(
          ctx,
          `xapi of pool ${pool.name} answering after the toolstack restart`,
          async () => {
            try {
              const list = await ops.xe.host.list();
              return list.length === pool.hosts.length && list.every((h) => h.enabled) ? true : undefined;
            } catch (err) {
              last = err instanceof Error ? err.message : String(err);
              return undefined;
            }
          },
          {
            timeoutMs: settingNumber(ctx.settings, 'service_timeout_s', 300) * 1000,
            intervalMs: 500,
            lastSeen: () => last,
          },
        );
      },
      { phase: 'verify' },
    );
  },
};

export function updatesScenarios(): ScenarioDefinition[] {
  return [testingCandidates];
}
