import { CommandRunner } from 'src/remote/exec-result';
import { XeError } from 'src/remote/xe/xe.errors';
import { MetricSpec, ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { verifyData, writeData } from 'src/scenarios/support/guest-data';
import { ensureGuestSoftware } from 'src/scenarios/support/guest-software';
import { powershellCommand } from 'src/remote/windows/powershell';
import { WindowsGuest } from 'src/remote/windows/windows-guest';
import { migrateVm, verifyPlacement } from 'src/scenarios/support/migration';
import {
  MigrationSubject,
  migrationNeeds,
  prepareSubject,
  Scope,
  stopVm,
  Storage,
  subjectParams,
} from 'src/scenarios/support/migration-plan';
import { oneOf, settingMap } from 'src/scenarios/support/params';
import { check } from 'src/scenarios/support/wait';

const LIVE_STORAGE: readonly Storage[] = ['shared', 'local-to-local', 'shared-to-local', 'local-to-shared'];
const LIVE_SCOPE: readonly Scope[] = ['intra-pool', 'cross-pool', 'pool-upgrade', 'cross-pool-from-older'];
const COLD_STORAGE: readonly Storage[] = ['local-to-local', 'local-to-shared', 'shared-to-local', 'shared-to-shared'];
const COLD_SCOPE: readonly Scope[] = ['intra-pool', 'cross-pool', 'cross-pool-from-older'];
const LOADS = ['idle', 'cpu', 'memory', 'io'] as const;

/** The seed's example, split by kind of load; a suite's `with: { stress: { cpu: … } }` overrides. */
const DEFAULT_STRESS: Record<string, string> = {
  cpu: 'stress --cpu 4',
  memory: 'stress --vm 6 --vm-keep --vm-bytes 1000M',
  io: 'stress --io 4 --hdd 2',
};

const LIVE_METRICS: MetricSpec[] = [
  { metric: 'migration.duration_ms', unit: 'ms', direction: 'lower', description: 'vm-migrate there' },
  { metric: 'migration.back_duration_ms', unit: 'ms', direction: 'lower', description: 'vm-migrate back' },
  { metric: 'migration.downtime_ms', unit: 'ms', direction: 'lower', description: 'longest gap between guest answers' },
];

/**
 * Going back is refused by design when it means an older destination: across pools
 * (VM_HOST_INCOMPATIBLE_VERSION_MIGRATE) and during a pool upgrade (NOT_SUPPORTED_DURING_UPGRADE).
 * The case then checks that refusal instead of the round trip.
 */
function backIsRefused(scope: Scope): string | null {
  if (scope === 'pool-upgrade') return 'NOT_SUPPORTED_DURING_UPGRADE';
  if (scope === 'cross-pool-from-older') return 'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE';
  return null;
}

async function expectRefusal(ctx: ScenarioContext, code: string, attempt: () => Promise<unknown>): Promise<void> {
  try {
    await attempt();
  } catch (err) {
    if (err instanceof XeError && err.code === code) {
      ctx.log(`refused as designed: ${code}`);
      return;
    }
    throw err;
  }
  throw new ScenarioError(
    `migrating back to the older release was accepted; xapi should refuse it with ${code}`,
    ScenarioErrorCode.CheckFailed,
  );
}

async function linuxGuest(s: MigrationSubject, onDst: boolean): Promise<CommandRunner | null> {
  if (s.kind === 'hvm-windows') return null;
  return (onDst ? s.dst : s.src).guest(s.vm, s.label);
}

/** Where the Windows test data lives in the guest. */
const WINDOWS_DATA = 'C:\\shakedown\\migration-data.bin';
const WINDOWS_DATA_MIB = 8;
/** The trivial question a Windows guest answers over SSH (PowerShell; cmd.exe knows no `true`). */
const WINDOWS_PROBE = powershellCommand('exit 0');

/**
 * A Windows guest with PV tools, reached over OpenSSH and PowerShell; null for Linux guests and for
 * Windows guests without tools (no address reported: they are checked through xapi only).
 */
async function windowsGuest(
  s: MigrationSubject,
  onDst: boolean,
): Promise<{ win: WindowsGuest; runner: CommandRunner } | null> {
  const ops = onDst ? s.dst : s.src;
  if (s.kind !== 'hvm-windows' || (await ops.toolsVersion(s.vm)) === null) return null;
  const runner = await ops.guest(s.vm, s.label, undefined, WINDOWS_PROBE);
  return { win: new WindowsGuest(runner), runner };
}

/** Windows guests are checked through xapi: running, on the right host, tools reporting. */
async function windowsAlive(s: MigrationSubject, onDst: boolean): Promise<void> {
  const ops = onDst ? s.dst : s.src;
  await ops.waitPowerState(s.vm, 'running');
  const live = await ops.isLive(s.vm);
  check(live, `VM ${s.label} runs but its guest agent stopped reporting after the migration`);
}

/** How the downtime probe asks the guest: `true` over SSH on Linux, PowerShell's `exit 0` on Windows. */
function probeOf(
  guest: CommandRunner | null,
  windows: { runner: CommandRunner } | null,
): { probe?: CommandRunner; probeCommand?: string } {
  if (guest) return { probe: guest };
  if (windows) return { probe: windows.runner, probeCommand: WINDOWS_PROBE };
  return {};
}

async function verifyWindowsData(windows: { win: WindowsGuest } | null, expected: string, when: string): Promise<void> {
  check(windows, `the Windows guest stopped answering over SSH ${when}`);
  const now = await windows.win.sha256(WINDOWS_DATA);
  check(now === expected, `test data changed ${when}: SHA-256 ${now}, expected ${expected}`, { expected, actual: now });
}

const live: ScenarioDefinition = {
  id: 'migration.live',
  family: 'migration',
  title: 'Live migration: VM kind × origin × size × load × storage × scope, data intact, and back',
  kind: 'automated',
  metrics: LIVE_METRICS,
  // Windows guests are loaded with PowerShell, which they all have.
  guestSoftware: (params) =>
    oneOf(params, 'load', LOADS, 'idle') === 'idle' || params.vm_kind === 'hvm-windows' ? [] : ['stress'],
  needs(params, campaign) {
    const p = subjectParams(params, LIVE_STORAGE, LIVE_SCOPE);
    return { pools: migrationNeeds(p.scope, p, campaign) };
  },
  async run(ctx) {
    const p = subjectParams(ctx.params, LIVE_STORAGE, LIVE_SCOPE);
    const load = oneOf(ctx.params, 'load', LOADS, 'idle');
    const s = await ctx.step('prepare the VM', () => prepareSubject(ctx, p, { running: true }), { phase: 'prepare' });
    let guest = await ctx.step('guest answers', () => linuxGuest(s, false), { phase: 'prepare' });
    const sum = guest ? await ctx.step('write test data', () => writeData(guest!), { phase: 'prepare' }) : null;
    let windows = await ctx.step('Windows guest answers (OpenSSH, PowerShell)', () => windowsGuest(s, false), {
      phase: 'prepare',
    });
    const winSum = windows
      ? await ctx.step(
          `write ${WINDOWS_DATA_MIB} MiB of test data (SHA-256)`,
          async () => {
            const versions = [...(await windows!.win.toolsVersions()), ...(await windows!.win.driverVersions())];
            ctx.log(`tools and drivers: ${versions.map((v) => `${v.name} ${v.version}`).join(', ') || 'none'}`);
            return windows!.win.writeTestData(WINDOWS_DATA, WINDOWS_DATA_MIB);
          },
          { phase: 'prepare' },
        )
      : null;
    let windowsLoad: number | null = null;
    if (load !== 'idle' && windows) {
      windowsLoad = await ctx.step(`start ${load} load (PowerShell)`, () => windows!.win.startLoad(load, 3600), {
        phase: 'prepare',
      });
    } else if (load !== 'idle') {
      check(guest, `load ${load} needs a guest that answers over SSH (${p.kind} ${s.label} reports no address)`);
      const command = settingMap(ctx.settings, 'stress')[load] ?? DEFAULT_STRESS[load]!;
      const program = /^\s*(stress-ng|stress)\b/.exec(command)?.[1];
      if (program) {
        await ctx.step(`${program} in the guest`, () => ensureGuestSoftware(s.src, guest!, s.label, [program]), {
          phase: 'prepare',
        });
      }
      await ctx.step(
        `start load: ${command}`,
        async () => {
          const r = await guest!.exec(`${command} --timeout 3600 > /dev/null 2>&1 &`, { timeoutMs: 30_000 });
          check(
            r.exitCode === 0,
            `starting the load in ${s.label} failed (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 200)}`,
          );
        },
        { phase: 'prepare' },
      );
    }

    const there = await ctx.step(
      `live-migrate ${s.srcHost.handle.name} → ${s.dstHost.handle.name}${s.dstSr ? ` (disks to ${s.dstSr.name})` : ''}`,
      () =>
        migrateVm(
          ctx,
          s.src,
          s.vm,
          { ops: s.dst, host: s.dstHost, srUuid: s.dstSr?.uuid },
          { live: true, owned: s.owned, ...probeOf(guest, windows) },
        ),
    );
    ctx.measure({ metric: 'migration.duration_ms', unit: 'ms', direction: 'lower', samples: [there.durationMs] });
    if (there.downtimeMs !== undefined) {
      ctx.measure({ metric: 'migration.downtime_ms', unit: 'ms', direction: 'lower', samples: [there.downtimeMs] });
    }

    await ctx.step(
      `runs on ${s.dstHost.handle.name}, data intact`,
      async () => {
        await verifyPlacement(s.dst, s.vm, s.dstHost, s.dstSr?.uuid);
        guest = await linuxGuest(s, true);
        if (guest && sum) await verifyData(guest, sum, 'after the live migration');
        else await windowsAlive(s, true);
        if (winSum) {
          windows = await windowsGuest(s, true);
          await verifyWindowsData(windows, winSum, 'after the live migration');
        }
      },
      { phase: 'verify' },
    );

    const refused = backIsRefused(p.scope);
    if (refused) {
      await ctx.step(
        'migrating back to the older release is refused',
        () =>
          expectRefusal(ctx, refused, () =>
            migrateVm(
              ctx,
              s.dst,
              s.vm,
              { ops: s.src, host: s.srcHost, srUuid: s.dstSr ? s.srcSr.uuid : undefined },
              { live: true, owned: s.owned },
            ),
          ),
        { phase: 'verify' },
      );
    } else {
      const back = await ctx.step(`live-migrate back to ${s.srcHost.handle.name}`, () =>
        migrateVm(
          ctx,
          s.dst,
          s.vm,
          { ops: s.src, host: s.srcHost, srUuid: s.dstSr ? s.srcSr.uuid : undefined },
          { live: true, owned: s.owned, ...probeOf(guest, windows) },
        ),
      );
      ctx.measure({ metric: 'migration.back_duration_ms', unit: 'ms', direction: 'lower', samples: [back.durationMs] });
      await ctx.step(
        `back on ${s.srcHost.handle.name}, data intact`,
        async () => {
          await verifyPlacement(s.src, s.vm, s.srcHost, s.dstSr ? s.srcSr.uuid : undefined);
          guest = await linuxGuest(s, false);
          if (guest && sum) await verifyData(guest, sum, 'after migrating back');
          else await windowsAlive(s, false);
          if (winSum) {
            windows = await windowsGuest(s, false);
            await verifyWindowsData(windows, winSum, 'after migrating back');
          }
        },
        { phase: 'verify' },
      );
    }
    const home = refused ? s.dst : s.src;
    if (load !== 'idle' && windowsLoad !== null && windows) {
      await ctx.step('stop the load', () => windows!.win.stopLoad(windowsLoad), { phase: 'cleanup' });
    } else if (load !== 'idle' && guest) {
      await ctx.step('stop the load', () => guest!.exec('pkill stress', { timeoutMs: 30_000 }), { phase: 'cleanup' });
    }
    if (s.owned) await ctx.step('remove', () => home.removeVm(s.vm), { phase: 'cleanup' });
  },
};

const cold: ScenarioDefinition = {
  id: 'migration.cold',
  family: 'migration',
  title: 'Cold migration of a halted VM: VM kind × origin × size × storage × scope, boots with data intact',
  kind: 'automated',
  metrics: [
    {
      metric: 'migration.cold_duration_ms',
      unit: 'ms',
      direction: 'lower',
      description: 'vm-migrate of the halted VM',
    },
    { metric: 'migration.cold_back_duration_ms', unit: 'ms', direction: 'lower' },
  ],
  needs(params, campaign) {
    const p = subjectParams(params, COLD_STORAGE, COLD_SCOPE);
    return { pools: migrationNeeds(p.scope, p, campaign) };
  },
  async run(ctx) {
    const p = subjectParams(ctx.params, COLD_STORAGE, COLD_SCOPE);
    const s = await ctx.step('prepare the VM', () => prepareSubject(ctx, p, { running: false }), { phase: 'prepare' });
    let sum: string | null = null;
    if (p.kind !== 'hvm-windows') {
      sum = await ctx.step(
        'boot once and write test data',
        async () => {
          await s.src.start(s.vm, s.srcHost.uuid);
          const written = await writeData(await s.src.guest(s.vm, s.label));
          await stopVm(s.src, s.vm);
          return written;
        },
        { phase: 'prepare' },
      );
    }
    const dstSr = s.dstSr ?? s.srcSr;
    const there = await ctx.step(`cold-migrate to ${s.dstHost.handle.name}, disks to ${dstSr.name}`, () =>
      migrateVm(ctx, s.src, s.vm, { ops: s.dst, host: s.dstHost, srUuid: dstSr.uuid }, { live: false, owned: s.owned }),
    );
    ctx.measure({ metric: 'migration.cold_duration_ms', unit: 'ms', direction: 'lower', samples: [there.durationMs] });
    const bootCheck = async (where: 'src' | 'dst', when: string): Promise<void> => {
      const ops = where === 'dst' ? s.dst : s.src;
      const host = where === 'dst' ? s.dstHost : s.srcHost;
      await ops.start(s.vm, host.uuid);
      await verifyPlacement(ops, s.vm, host);
      if (sum) await verifyData(await ops.guest(s.vm, s.label), sum, when);
      else await ops.waitPowerState(s.vm, 'running');
      await stopVm(ops, s.vm);
    };
    await ctx.step(
      `boots on ${s.dstHost.handle.name}, data intact`,
      () => bootCheck('dst', 'after the cold migration'),
      { phase: 'verify' },
    );
    const refused = backIsRefused(p.scope);
    if (refused) {
      await ctx.step(
        'migrating back to the older release is refused',
        () =>
          expectRefusal(ctx, refused, () =>
            migrateVm(
              ctx,
              s.dst,
              s.vm,
              { ops: s.src, host: s.srcHost, srUuid: s.srcSr.uuid },
              { live: false, owned: s.owned },
            ),
          ),
        { phase: 'verify' },
      );
    } else {
      const back = await ctx.step(`cold-migrate back to ${s.srcHost.handle.name}`, () =>
        migrateVm(
          ctx,
          s.dst,
          s.vm,
          { ops: s.src, host: s.srcHost, srUuid: s.srcSr.uuid },
          { live: false, owned: s.owned },
        ),
      );
      ctx.measure({
        metric: 'migration.cold_back_duration_ms',
        unit: 'ms',
        direction: 'lower',
        samples: [back.durationMs],
      });
      await ctx.step(
        `boots on ${s.srcHost.handle.name} again, data intact`,
        () => bootCheck('src', 'after migrating back'),
        { phase: 'verify' },
      );
    }
    if (s.owned) await ctx.step('remove', () => (refused ? s.dst : s.src).removeVm(s.vm), { phase: 'cleanup' });
  },
};

export function migrationScenarios(): ScenarioDefinition[] {
  return [live, cold];
}
