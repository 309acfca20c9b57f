import { fioMeasurements } from 'src/results/fio/fio-measurements';
import { parseFioOutput } from 'src/results/fio/fio-parse';
import { CaseParams, CampaignFacts, ScenarioContext, ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { oneOf, settingMap, settingNumber, settingString } from 'src/scenarios/support/params';
import { preparedTemplate, vmFromPrepared } from 'src/scenarios/support/guest-software';
import { objectLabel, PoolOps, SrInfo } from 'src/scenarios/support/pool-ops';
import { check } from 'src/scenarios/support/wait';

const WORKLOADS = ['randwrite', 'randread', 'write', 'read'] as const;
const RELEASES = ['baseline', 'candidate'] as const;
const SR_KINDS = ['ext', 'lvm', 'nfs'] as const;

/** The seed's four commands ("Example Storage Performance Tests Using fio"), `${size}` left to fill. */
const SEED_FIO_COMMANDS: Record<(typeof WORKLOADS)[number], string> = {
  randwrite:
    'sync;fio --randrepeat=1 --ioengine=libaio --direct=1 --gtod_reduce=1 --name=test --filename=test --bs=4k --iodepth=64 --size=${size} --readwrite=randwrite --ramp_time=4',
  randread:
    'sync;fio --randrepeat=1 --ioengine=libaio --direct=1 --gtod_reduce=1 --name=test --filename=test --bs=4k --iodepth=64 --size=${size} --readwrite=randread --ramp_time=4',
  write:
    'sync;fio --randrepeat=1 --ioengine=libaio --direct=1 --gtod_reduce=1 --name=test --filename=test --bs=4M --iodepth=64 --size=${size} --readwrite=write --ramp_time=4',
  read: 'sync;fio --randrepeat=1 --ioengine=libaio --direct=1 --gtod_reduce=1 --name=test --filename=test --bs=4M --iodepth=64 --size=${size} --readwrite=read --ramp_time=4',
};

/** The version a `release` parameter (baseline|candidate) stands for. */
function releaseVersion(params: CaseParams, campaign: CampaignFacts): string {
  const release = oneOf(params, 'release', RELEASES, 'candidate');
  return release === 'baseline' ? (campaign.baseline ?? campaign.release) : campaign.release;
}

/** The campaign's command for the workload (already rendered), else the seed's; always JSON output. */
function fioCommand(workload: (typeof WORKLOADS)[number], settings: Record<string, unknown>): string {
  const size = settingString(settings, 'size') ?? '4G';
  const command =
    settingMap(settings, 'fio_commands')[workload] ?? SEED_FIO_COMMANDS[workload].replace('${size}', size);
  if (!/\bfio\b/.test(command)) {
    throw new ScenarioError(`with.fio_commands.${workload} does not run fio: ${command}`, ScenarioErrorCode.BadParams);
  }
  return /--output-format=/.test(command) ? command : `${command} --output-format=json`;
}

async function srForKind(ops: PoolOps, kind: string): Promise<{ sr: SrInfo; hostUuid: string }> {
  const [host] = await ops.hostInfos();
  if (kind === 'nfs') return { sr: await ops.sharedSr('nfs'), hostUuid: host!.uuid };
  return { sr: await ops.localSr(host!.uuid, kind), hostUuid: host!.uuid };
}

const fio: ScenarioDefinition = {
  id: 'perf.fio',
  family: 'performance',
  title: "The seed's fio tests inside a Linux guest (4k random IOPS, 4M sequential throughput, iodepth 64)",
  kind: 'automated',
  guestSoftware: () => ['fio'],
  metrics: [
    { metric: 'fio.write.iops', unit: 'IOPS', direction: 'higher' },
    { metric: 'fio.read.iops', unit: 'IOPS', direction: 'higher' },
    { metric: 'fio.write.bw_bytes', unit: 'B/s', direction: 'higher' },
    { metric: 'fio.read.bw_bytes', unit: 'B/s', direction: 'higher' },
    { metric: 'fio.write.clat_p99_us', unit: 'us', direction: 'lower' },
    { metric: 'fio.read.clat_p99_us', unit: 'us', direction: 'lower' },
  ],
  needs: (params, campaign) => ({
    pools: [
      {
        role: 'pool',
        minHosts: 1,
        version: releaseVersion(params, campaign),
        srKinds: [oneOf(params, 'sr_kind', SR_KINDS, 'ext')],
      },
    ],
  }),
  async run(ctx) {
    const workload = oneOf(ctx.params, 'workload', WORKLOADS);
    const srKind = oneOf(ctx.params, 'sr_kind', SR_KINDS, 'ext');
    const command = fioCommand(workload, ctx.settings);
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const label = objectLabel(ctx, `fio-${workload}`);
    const { sr, hostUuid } = await srForKind(ops, srKind);
    const prepared = await ctx.step(
      'template with fio (built once per pool)',
      () =>
        preparedTemplate(ops, 'pvhvm-linux', ['fio'], {
          srUuid: sr.uuid,
          templates: settingMap(ctx.settings, 'templates'),
        }),
      { phase: 'prepare' },
    );
    const vm = await ctx.step(
      `Linux VM from ${prepared.name} with its disk on ${sr.name} (${sr.kind})`,
      async () => {
        const uuid = await vmFromPrepared(ops, prepared, label, sr.uuid);
        await ops.start(uuid, hostUuid);
        return uuid;
      },
      { phase: 'prepare' },
    );
    const guest = await ctx.step('guest answers', () => ops.guest(vm, label), { phase: 'prepare' });
    const out = await ctx.step(`fio ${workload}`, async () => {
      const r = await guest.exec(command, {
        timeoutMs: settingNumber(ctx.settings, 'fio_timeout_s', 1800) * 1000,
        maxOutputBytes: 32 * 1024 * 1024,
      });
      check(r.exitCode === 0, `fio exited ${r.exitCode} in ${label}: ${r.stderr.trim().slice(0, 400)}`);
      return r.stdout;
    });
    await ctx.artifact(`fio-${workload}.json`, out, 'application/json');
    await ctx.step(
      'parse fio JSON',
      async () => {
        const values = fioMeasurements(parseFioOutput(out, `fio ${workload} in ${label}`));
        check(values.length > 0, `fio ${workload} reported no direction that moved data`);
        for (const v of values) {
          ctx.measure({
            metric: v.metric,
            unit: v.unit,
            direction: v.direction,
            samples: [v.value],
            context: { workload, sr_kind: srKind },
          });
        }
      },
      { phase: 'verify' },
    );
    await ctx.step(
      'remove the test file and the VM',
      async () => {
        await guest.exec('rm -f test', { timeoutMs: 120_000 });
        await ops.removeVm(vm);
      },
      { phase: 'cleanup' },
    );
  },
};

const PATHS = ['same-host', 'cross-host'] as const;

interface IperfEnd {
  end?: { sum_received?: { bits_per_second?: number }; sum_sent?: { bits_per_second?: number } };
}

/** Bits per second from iperf3's `-J` document (received side first: what really crossed). */
function iperfBitsPerSecond(text: string): number {
  const start = text.indexOf('{');
  let doc: IperfEnd;
  try {
    doc = JSON.parse(start >= 0 ? text.slice(start) : text) as IperfEnd;
  } catch (err) {
    throw new ScenarioError(
      `iperf3 printed no JSON document: ${err instanceof Error ? err.message : String(err)}`,
      ScenarioErrorCode.CheckFailed,
    );
  }
  const bps = doc.end?.sum_received?.bits_per_second ?? doc.end?.sum_sent?.bits_per_second;
  if (typeof bps !== 'number' || !Number.isFinite(bps)) {
    throw new ScenarioError('iperf3 JSON has no end.sum_received.bits_per_second', ScenarioErrorCode.CheckFailed);
  }
  return bps;
}

async function guestPair(ctx: ScenarioContext, ops: PoolOps, cross: boolean) {
  const [a, b] = await ops.hostInfos();
  const server = objectLabel(ctx, 'iperf-server');
  const client = objectLabel(ctx, 'iperf-client');
  const templates = settingMap(ctx.settings, 'templates');
  const srA = (await ops.localSr(a!.uuid)).uuid;
  const prepared = await preparedTemplate(ops, 'pvhvm-linux', ['iperf3'], { srUuid: srA, templates });
  const s = await vmFromPrepared(ops, prepared, server, srA);
  const target = cross ? b! : a!;
  const c = await vmFromPrepared(ops, prepared, client, (await ops.localSr(target.uuid)).uuid);
  await ops.start(s, a!.uuid);
  await ops.start(c, target.uuid);
  return { s, c, server, client };
}

const network: ScenarioDefinition = {
  id: 'perf.network',
  family: 'performance',
  title: 'Network throughput between two guests (iperf3), on one host or across two',
  kind: 'automated',
  guestSoftware: () => ['iperf3'],
  metrics: [{ metric: 'net.throughput_bps', unit: 'bit/s', direction: 'higher' }],
  needs: (params, campaign) => ({
    pools: [
      {
        role: 'pool',
        minHosts: oneOf(params, 'path', PATHS) === 'cross-host' ? 2 : 1,
        version: releaseVersion(params, campaign),
      },
    ],
  }),
  async run(ctx) {
    const path = oneOf(ctx.params, 'path', PATHS);
    const ops = new PoolOps(ctx, ctx.pool('pool'));
    const seconds = Math.max(1, Math.round(settingNumber(ctx.settings, 'iperf_seconds', 10)));
    const pair = await ctx.step(`two guests, ${path}`, () => guestPair(ctx, ops, path === 'cross-host'), {
      phase: 'prepare',
    });
    const serverGuest = await ctx.step('server guest answers', () => ops.guest(pair.s, pair.server), {
      phase: 'prepare',
    });
    const clientGuest = await ctx.step('client guest answers', () => ops.guest(pair.c, pair.client), {
      phase: 'prepare',
    });
    const address = (await ops.xe.vm.guestEndpoint(pair.s))?.address;
    check(address, `guest ${pair.server} reports no address`);
    await ctx.step(
      'iperf3 server',
      async () => {
        const r = await serverGuest.exec('iperf3 -s -D', { timeoutMs: 30_000 });
        check(
          r.exitCode === 0,
          `iperf3 -s -D failed in ${pair.server} (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 200)}`,
        );
      },
      { phase: 'prepare' },
    );
    const out = await ctx.step(`iperf3 -c ${address} -t ${seconds}`, async () => {
      const r = await clientGuest.exec(`iperf3 -c ${address} -t ${seconds} -J`, { timeoutMs: (seconds + 120) * 1000 });
      check(
        r.exitCode === 0,
        `iperf3 client failed in ${pair.client} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      );
      return r.stdout;
    });
    await ctx.artifact(`iperf3-${path}.json`, out, 'application/json');
    ctx.measure({
      metric: 'net.throughput_bps',
      unit: 'bit/s',
      direction: 'higher',
      samples: [iperfBitsPerSecond(out)],
      context: { path },
    });
    await ctx.step(
      'remove the guests',
      async () => {
        await ops.removeVm(pair.c);
        await ops.removeVm(pair.s);
      },
      { phase: 'cleanup' },
    );
  },
};

export function perfScenarios(): ScenarioDefinition[] {
  return [fio, network];
}
