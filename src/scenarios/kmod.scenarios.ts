import { HostHandle, ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { yumProblems } from 'src/remote/dom0/package-output';
import { dom0, quietHost, rebootHost } from 'src/scenarios/support/dom0';
import { oneOf, settingMap } from 'src/scenarios/support/params';
import { PoolOps } from 'src/scenarios/support/pool-ops';
import { check } from 'src/scenarios/support/wait';

/**
 * XCP-ng's kernel module policy, checked on a host:
 * - alternate modules (`<supported package>-alt`) install into `/lib/modules/<kernel>/override/` and
 *   win over the supported module because depmod searches `override` first; removing the package
 *   falls back to the supported module;
 * - additional modules (`<module>-module`, or `kmod-<name>-<kernel>` for imported third-party
 *   packages) install into `extra/`; removing them leaves the system without that module.
 * The RPM's Version is that of the module.
 */
const KMOD_KINDS = ['alt', 'module', 'kmod'] as const;
type KmodKind = (typeof KMOD_KINDS)[number];

const DEFAULT_PACKAGES: Record<KmodKind, string> = {
  alt: 'broadcom-bnxt-en-alt',
  module: 'ceph-module',
  kmod: 'kmod-zfs-${kernel}',
};
const DEFAULT_MODULES: Record<KmodKind, string> = { alt: 'bnxt_en', module: 'ceph', kmod: 'zfs' };
const POLICY_DIR: Record<KmodKind, string> = { alt: 'override', module: 'extra', kmod: 'extra' };

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function namingRule(kind: KmodKind, kernel: string): { re: RegExp; rule: string } {
  switch (kind) {
    case 'alt':
      return { re: /^[a-z0-9][\w.+-]*-alt$/, rule: '<supported package>-alt or <module>-module-alt' };
    case 'module':
      return { re: /^[a-z0-9][\w.+]*-modules?$/, rule: '<module>-module (or <name>-modules)' };
    case 'kmod':
      return { re: new RegExp(`^kmod-[\\w.+-]+-${escape(kernel)}$`), rule: `kmod-<name>-${kernel}` };
  }
}

async function modinfoField(ctx: ScenarioContext, host: HostHandle, field: string, module: string) {
  const r = await ctx.runner(host).exec(`modinfo -F ${field} ${module}`, { timeoutMs: 30_000 });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** The effective depmod search order: the last `search` line of /etc/depmod.d/*.conf (depmod's rule). */
async function depmodSearch(ctx: ScenarioContext, host: HostHandle): Promise<string[]> {
  const r = await dom0(ctx, host, 'cat /etc/depmod.d/dist.conf');
  let search = ['updates', 'extra', 'built-in', 'weak-updates'];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*search\s+(.+?)\s*$/.exec(line);
    if (m?.[1]) search = m[1].split(/\s+/);
  }
  return search;
}

async function loadedVersionInDmesg(ctx: ScenarioContext, host: HostHandle, module: string): Promise<string[]> {
  const r = await dom0(ctx, host, `dmesg | grep '${module}:'`).catch(() => null);
  return (r?.stdout ?? '').split('\n').filter(Boolean);
}

const kmodPolicy: ScenarioDefinition = {
  id: 'kmod.policy',
  family: 'kmod',
  title: 'Alternate and additional kernel modules install, load and uninstall as the module policy says',
  kind: 'automated',
  needs: (_p, campaign) => ({ pools: [{ role: 'pool', minHosts: 1, version: campaign.release }] }),
  async run(ctx) {
    const kind = oneOf(ctx.params, 'package', KMOD_KINDS);
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const host = await ctx.step('pick a host without running VMs', () => quietHost(ops), { phase: 'prepare' });
    const kernel = (await dom0(ctx, host, 'uname -r')).stdout.trim();
    const pkg = (settingMap(ctx.settings, 'packages')[kind] ?? DEFAULT_PACKAGES[kind]).replace('${kernel}', kernel);
    const module = settingMap(ctx.settings, 'modules')[kind] ?? DEFAULT_MODULES[kind];
    const expectedPath = `/lib/modules/${kernel}/${POLICY_DIR[kind]}/${module}.ko`;

    const supported = await ctx.step(
      'package name, depmod configuration and the module before',
      async () => {
        const rule = namingRule(kind, kernel);
        check(rule.re.test(pkg), `package ${pkg} does not follow the naming convention for ${kind}: ${rule.rule}`);
        const installed = await ctx.runner(host).exec(`rpm -q ${pkg}`, { timeoutMs: 30_000 });
        check(installed.exitCode !== 0, `${host.name}: ${pkg} is already installed; the case needs a host without it`);
        const search = await depmodSearch(ctx, host);
        check(
          search[0] === 'override',
          `${host.name}: depmod searches "${search.join(' ')}" (/etc/depmod.d/dist.conf); the policy puts override first`,
        );
        return {
          path: await modinfoField(ctx, host, 'filename', module),
          version: await modinfoField(ctx, host, 'version', module),
        };
      },
      { phase: 'prepare' },
    );
    if (kind === 'alt') {
      check(supported.path, `${host.name}: no supported ${module} module to override (modinfo finds none)`);
    }

    let installed = false;
    try {
      const version = await ctx.step(`install ${pkg}`, async () => {
        const r = await dom0(ctx, host, `yum install ${pkg} -y`, 1_800_000);
        installed = true;
        await ctx.artifact(`yum-install-${pkg}.log`, r.stdout + r.stderr, 'text/plain');
        const problems = yumProblems(r);
        check(problems.length === 0, `${host.name}: yum reported problems: ${problems.join(' | ').slice(0, 600)}`);
        return (await dom0(ctx, host, `rpm -q --qf '%{VERSION}' ${pkg}`)).stdout.trim();
      });

      await ctx.step(
        `module file in ${POLICY_DIR[kind]}/ and modinfo reports it`,
        async () => {
          const files = (await dom0(ctx, host, `rpm -ql ${pkg}`)).stdout.split('\n');
          check(
            files.includes(expectedPath),
            `${pkg} does not install ${expectedPath} (it has: ${files.filter((f) => f.endsWith('.ko')).join(', ') || 'no module'})`,
          );
          await dom0(ctx, host, `test -f ${expectedPath}`);
          const path = await modinfoField(ctx, host, 'filename', module);
          check(path === expectedPath, `modinfo ${module} reports ${path ?? 'nothing'}, not ${expectedPath}`);
          const modVersion = (await modinfoField(ctx, host, 'version', module)) ?? '';
          const norm = (s: string): string => s.replace(/[-_]/g, '.');
          check(
            norm(modVersion).startsWith(norm(version)),
            `modinfo ${module} reports version ${modVersion}, the package ${pkg} is version ${version}`,
          );
          ctx.log(`${host.name}: ${module} ${modVersion} from ${path}`);
          return modVersion;
        },
        { phase: 'verify' },
      );

      await ctx.step(`reboot ${host.name}`, () => rebootHost(ops, host));
      await ctx.step(
        `${module} loaded at boot from ${POLICY_DIR[kind]}/`,
        async () => {
          const modVersion = (await modinfoField(ctx, host, 'version', module)) ?? '';
          const lines = await loadedVersionInDmesg(ctx, host, module);
          check(
            lines.some((l) => l.includes(modVersion)),
            `${host.name}: dmesg shows no ${module} ${modVersion} loaded after the reboot (${lines.join(' | ').slice(0, 300) || 'no line'})`,
          );
        },
        { phase: 'verify' },
      );

      await ctx.step(`remove ${pkg}`, async () => {
        const r = await dom0(ctx, host, `yum remove ${pkg} -y`, 1_800_000);
        installed = false;
        const problems = yumProblems(r);
        check(problems.length === 0, `${host.name}: yum reported problems: ${problems.join(' | ').slice(0, 600)}`);
      });
      await ctx.step(
        kind === 'alt' ? 'modinfo falls back to the supported module' : 'the additional module is gone',
        async () => {
          const path = await modinfoField(ctx, host, 'filename', module);
          if (kind === 'alt') {
            check(
              path === supported.path,
              `after removing ${pkg}, modinfo ${module} reports ${path ?? 'nothing'}, not the supported ${supported.path}`,
            );
          } else {
            check(path === null, `after removing ${pkg}, modinfo still finds ${module} at ${path}`);
          }
        },
        { phase: 'verify' },
      );
      // The alternate stays in memory until the next boot: reboot so the supported one runs again.
      await ctx.step(`reboot ${host.name} back to the supported modules`, () => rebootHost(ops, host), {
        phase: 'cleanup',
      });
      if (kind === 'alt' && supported.version) {
        await ctx.step(
          `${module} ${supported.version} loaded again`,
          async () => {
            const lines = await loadedVersionInDmesg(ctx, host, module);
            check(
              lines.some((l) => l.includes(supported.version!)),
              `${host.name}: after removing ${pkg} and rebooting, dmesg shows no ${module} ${supported.version} (${lines.join(' | ').slice(0, 300)})`,
            );
          },
          { phase: 'verify' },
        );
      }
    } finally {
      if (installed) {
        await ctx.step(`remove ${pkg} (cleanup)`, () => dom0(ctx, host, `yum remove ${pkg} -y`, 1_800_000), {
          phase: 'cleanup',
        });
      }
    }
  },
};

export function kmodScenarios(): ScenarioDefinition[] {
  return [kmodPolicy];
}
