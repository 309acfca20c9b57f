import { fioDocument, FioJobOutcome } from 'src/simulator/guest/fio-json';
import { SeededRandom } from 'src/simulator/guest/seeded-random';
import { FioRw, simulateStorage } from 'src/simulator/guest/storage-model';
import { SimSr } from 'src/simulator/model/types';
import { parseSize } from 'src/simulator/shell/commands/core-commands';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

interface FioJobSpec {
  name: string;
  options: Record<string, string>;
}

/** fio's command line: options before the first --name are global; each --name starts a job. */
function parseFioArgs(argv: string[]): { global: Record<string, string>; jobs: FioJobSpec[] } {
  const global: Record<string, string> = {};
  const jobs: FioJobSpec[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const key = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq >= 0 ? arg.slice(eq + 1) : '1';
    if (key === 'name') jobs.push({ name: value, options: { name: value } });
    else if (jobs.length === 0) global[key] = value;
    else (jobs[jobs.length - 1] as FioJobSpec).options[key] = value;
  }
  return { global, jobs };
}

/** The SR holding the guest disk fio targets: /dev/xvdX → that VBD, a plain file → the root disk. */
function targetSr(env: ShellEnv, filename: string): { sr: SimSr | undefined; disk: string } {
  const vm = env.vm;
  if (!vm) return { sr: undefined, disk: 'sda' };
  const dev = /^\/dev\/(xvd[a-z])/.exec(filename)?.[1] ?? 'xvda';
  const vbd =
    [...env.model.state.vbds.values()].find((b) => b.vmUuid === vm.uuid && b.device === dev) ??
    [...env.model.state.vbds.values()].find((b) => b.vmUuid === vm.uuid && b.userdevice === '0');
  const vdi = vbd?.vdiUuid ? env.model.state.vdis.get(vbd.vdiUuid) : undefined;
  return { sr: vdi ? env.model.state.srs.get(vdi.srUuid) : undefined, disk: dev };
}

const NON_JSON_OPTIONS = ['output-format', 'output', 'status-interval', 'group_reporting', 'name'];
let runCounter = 0;

export const FIO_COMMANDS: CommandTable = {
  fio: async (io, env) => {
    if (io.argv.includes('--version')) {
      io.out('fio-3.33\n');
      return 0;
    }
    const { global, jobs } = parseFioArgs(io.argv);
    if (jobs.length === 0) {
      io.err('No job(s) defined\n');
      return 1;
    }
    const host = env.host();
    runCounter += 1;
    const rng = new SeededRandom(`${env.model.state.name}:fio:${env.vm?.uuid ?? env.hostname}:${runCounter}`);
    const outcomes: FioJobOutcome[] = [];
    let simSeconds = 0;
    let notes = '';
    for (const job of jobs) {
      const o = { ...global, ...job.options };
      const rw = (o['readwrite'] ?? o['rw'] ?? 'read') as FioRw;
      const bs = parseSize(o['bs'] ?? o['blocksize'] ?? '4k');
      const iodepth = parseInt(o['iodepth'] ?? '1', 10) || 1;
      const numjobs = parseInt(o['numjobs'] ?? '1', 10) || 1;
      const engine = o['ioengine'] ?? 'psync';
      const syncEngine = ['psync', 'sync', 'pvsync'].includes(engine);
      if (syncEngine && iodepth > 1) {
        notes = 'note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1\n';
      }
      const effDepth = syncEngine ? 1 : iodepth;
      const { sr, disk } = targetSr(env, o['filename'] ?? 'test');
      const result = simulateStorage(
        {
          rw,
          bs,
          iodepth: effDepth,
          numjobs,
          srType: sr?.type ?? 'ext',
          version: host.version,
          load: env.vm?.guest.load ?? 0,
        },
        rng,
      );
      const size = parseSize(o['size'] ?? '1G');
      const runtime = parseFloat(o['runtime'] ?? '0');
      const iops = result.readIops + result.writeIops;
      const natural = iops > 0 ? size / (iops * bs) : 0;
      const seconds =
        runtime > 0 && (o['time_based'] !== undefined || natural > runtime) ? runtime : Math.max(0.1, natural);
      simSeconds = Math.max(simSeconds, seconds + parseFloat(o['ramp_time'] ?? '0'));
      const options = Object.fromEntries(
        Object.entries(job.options).filter(([k]) => !NON_JSON_OPTIONS.includes(k) || k === 'name'),
      );
      const globalOptions = Object.fromEntries(Object.entries(global).filter(([k]) => !NON_JSON_OPTIONS.includes(k)));
      for (let n = 0; n < numjobs; n++) {
        outcomes.push({
          jobname: job.name,
          options,
          globalOptions,
          bs,
          runtimeMs: Math.round(seconds * 1000),
          readIops: result.readIops / numjobs,
          writeIops: result.writeIops / numjobs,
          readLatNs: result.readLatNs,
          writeLatNs: result.writeLatNs,
          gtodReduce: (o['gtod_reduce'] ?? '0') !== '0',
          iodepth: effDepth,
          diskName: disk,
        });
      }
    }
    await env.model.clock.wait(simSeconds, io.signal).catch(() => undefined);
    if (io.signal.aborted) return 130;
    const grouped =
      global['group_reporting'] !== undefined || jobs.some((j) => j.options['group_reporting'] !== undefined);
    const report: FioJobOutcome[] =
      grouped && outcomes.length > 1
        ? [
            {
              ...(outcomes[0] as FioJobOutcome),
              readIops: outcomes.reduce((a, x) => a + x.readIops, 0),
              writeIops: outcomes.reduce((a, x) => a + x.writeIops, 0),
            },
          ]
        : outcomes;
    const format =
      global['output-format'] ?? jobs.find((j) => j.options['output-format'])?.options['output-format'] ?? 'normal';
    let text: string;
    if (format.startsWith('json')) text = fioDocument(report, env.model.clock.now(), rng);
    else {
      text = report
        .map((j) => {
          const dir = j.writeIops > 0 ? 'write' : 'read';
          const iops = j.writeIops > 0 ? j.writeIops : j.readIops;
          const bw = (iops * j.bs) / 1048576;
          return `${j.jobname}: (groupid=0, jobs=1): err= 0\n  ${dir}: IOPS=${Math.round(iops)}, BW=${bw.toFixed(1)}MiB/s (simulated)\n`;
        })
        .join('');
    }
    const outputFile = global['output'];
    if (outputFile) {
      await env.vfs.write(outputFile, Buffer.from(notes + text), false);
    } else {
      io.out(notes + text);
    }
    return 0;
  },
};
