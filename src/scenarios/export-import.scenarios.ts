import { Compression } from 'src/remote/xe/xe.types';
import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { verifyData, writeData } from 'src/scenarios/support/guest-data';
import { oneOf, settingMap } from 'src/scenarios/support/params';
import { objectLabel, PoolOps } from 'src/scenarios/support/pool-ops';
import { stopVm } from 'src/scenarios/support/migration-plan';
import { check } from 'src/scenarios/support/wait';

const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const;
const TARGETS = ['same-sr', 'other-host'] as const;

/** What the first 4 bytes of an XVA must be: the compressor's magic, or the tar's first member name `ova.xml`. */
const XVA_MAGIC: Record<Compression, string> = {
  zstd: '28 b5 2f fd',
  gzip: '1f 8b',
  none: '6f 76 61 2e',
};

function formatMatches(compression: Compression, hex: string): boolean {
  return hex.replace(/\s+/g, ' ').trim().startsWith(XVA_MAGIC[compression]);
}

const roundtrip: ScenarioDefinition = {
  id: 'export-import.roundtrip',
  family: 'export-import',
  title: 'Export a VM (zstd, gzip or none), check the file format, import it elsewhere, boot it, data intact',
  kind: 'automated',
  metrics: [
    { metric: 'export.duration_ms', unit: 'ms', direction: 'lower' },
    { metric: 'export.size_bytes', unit: 'B', direction: 'lower' },
    { metric: 'import.duration_ms', unit: 'ms', direction: 'lower' },
  ],
  needs: (params, campaign) => ({
    pools: [
      { role: 'pool', minHosts: oneOf(params, 'target', TARGETS) === 'other-host' ? 2 : 1, version: campaign.release },
    ],
  }),
  async run(ctx) {
    const compression = oneOf(ctx.params, 'compression', COMPRESSIONS);
    const target = oneOf(ctx.params, 'target', TARGETS);
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const hosts = await ops.hostInfos();
    const source = hosts[0]!;
    const dest = target === 'other-host' ? hosts[1]! : source;
    const srcSr = await ops.localSr(source.uuid);
    const dstSr = target === 'other-host' ? await ops.localSr(dest.uuid) : srcSr;
    const label = objectLabel(ctx, `export-${compression}`);
    const vm = await ctx.step(
      'Linux VM with test data, halted',
      async () => {
        const uuid = await ops.installVm('pvhvm-linux', label, {
          srUuid: srcSr.uuid,
          templates: settingMap(ctx.settings, 'templates'),
        });
        await ops.start(uuid, source.uuid);
        return uuid;
      },
      { phase: 'prepare' },
    );
    // 16 MiB cross 16 of xapi's 1 MiB export chunks, which is what the integrity check needs; on a real
    // host the export carries the whole VDI anyway, so more data would only slow the simulated lab.
    const sum = await ctx.step('write test data', async () => writeData(await ops.guest(vm, label), 16), {
      phase: 'prepare',
    });
    await ctx.step('shut down', () => stopVm(ops, vm), { phase: 'prepare' });

    const file = `/var/tmp/${label}.xva`;
    const master = ctx.runner(ops.pool.master);
    await ctx.track('file', file, ops.pool.master, label);
    const t0 = Date.now();
    await ctx.step(`export (${compression})`, () => ops.xe.vm.export({ vm, filename: file, compression }));
    ctx.measure({
      metric: 'export.duration_ms',
      unit: 'ms',
      direction: 'lower',
      samples: [Date.now() - t0],
      context: { compression },
    });
    await ctx.step(
      'the file really is what was asked',
      async () => {
        const head = await master.exec(`od -An -tx1 -N 4 ${file}`, { timeoutMs: 30_000 });
        check(
          head.exitCode === 0,
          `cannot read the first bytes of ${file} (exit ${head.exitCode}): ${head.stderr.trim()}`,
        );
        if (!formatMatches(compression, head.stdout)) {
          throw new ScenarioError(
            `${file} starts with ${head.stdout.trim() || '(nothing)'}, expected ${XVA_MAGIC[compression]} for compression ${compression}`,
            ScenarioErrorCode.CheckFailed,
          );
        }
        const size = await master.exec(`stat -c %s ${file}`, { timeoutMs: 30_000 });
        const bytes = Number(size.stdout.trim());
        check(size.exitCode === 0 && bytes > 0, `${file} has no size (exit ${size.exitCode}): ${size.stdout.trim()}`);
        ctx.measure({
          metric: 'export.size_bytes',
          unit: 'B',
          direction: 'lower',
          samples: [bytes],
          context: { compression },
        });
      },
      { phase: 'verify' },
    );

    const t1 = Date.now();
    const imported = await ctx.step(`import on ${dstSr.name}`, async () => {
      const [uuid] = await ops.xe.vm.import({ filename: file, srUuid: dstSr.uuid });
      check(uuid, `xe vm-import of ${file} printed no VM uuid`);
      await ctx.track('vm', uuid, ops.pool.master, `${label} (imported)`);
      return uuid;
    });
    ctx.measure({
      metric: 'import.duration_ms',
      unit: 'ms',
      direction: 'lower',
      samples: [Date.now() - t1],
      context: { compression },
    });
    await ctx.step(
      `imported VM boots on ${dest.handle.name}, data intact`,
      async () => {
        await ops.start(imported, dest.uuid);
        await verifyData(await ops.guest(imported, `${label}-imported`), sum, 'after export and import');
        await stopVm(ops, imported);
      },
      { phase: 'verify' },
    );
    await ctx.step(
      'remove the VMs and the file',
      async () => {
        await ops.removeVm(imported);
        await ops.removeVm(vm);
        await master.exec(`rm -f ${file}`, { timeoutMs: 60_000 });
        await ctx.untrack('file', file);
      },
      { phase: 'cleanup' },
    );
  },
};

export function exportImportScenarios(): ScenarioDefinition[] {
  return [roundtrip];
}
