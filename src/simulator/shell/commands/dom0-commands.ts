import { posix } from 'node:path';
import { XAPI_INIT_COOKIE } from 'src/simulator/lab/host-files';
import { SimVm } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';
import { xenBugtool } from 'src/simulator/shell/commands/bugtool-command';
import { lsblk } from 'src/simulator/shell/commands/lsblk-command';
import { packageState } from 'src/simulator/shell/commands/package-commands';
import { sshd } from 'src/simulator/shell/commands/sshd-command';
import { gencert } from 'src/simulator/shell/commands/gencert-command';
import { CommandIo, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

const MIB = 1024 ** 2;
/** the targets of a dom0's boot (default.target is multi-user.target) */
const TARGETS = ['default.target', 'multi-user.target', 'basic.target', 'sysinit.target', 'network.target'];

/**
 * xen-api's scripts/xapi-wait-init-complete: polls once a (simulated) second, up to <timeout>
 * seconds, for xapi's init cookie; without one, logs through `logger --stderr` and exits 1.
 */
async function xapiWaitInitComplete(io: CommandIo, env: ShellEnv): Promise<number> {
  const self = '/usr/bin/xapi-wait-init-complete';
  const [timeout, tag] = io.argv;
  if (!timeout) {
    io.out(
      `Usage: ${self} <timeout> (seconds) [tag]\nPoll for xapi to complete initialisation, for up to <timeout> seconds.\nLog to syslog on failure, optionally tagging with [tag].\n`,
    );
    return 1;
  }
  let retries = /^-?\d+$/.test(timeout) ? parseInt(timeout, 10) : 0;
  if (retries === 0 && !/^-?\d+$/.test(timeout)) {
    io.err(`${self}: line 26: [: ${timeout}: integer expression expected\n`);
  }
  while (retries !== 0) {
    if (await env.vfs.read(XAPI_INIT_COOKIE)) return 0;
    await env.model.clock.wait(1, io.signal).catch(() => undefined);
    if (io.signal.aborted) return 143;
    retries -= 1;
  }
  io.err(`${tag ?? 'wait-xapi-init-complete'}: Failed to detect xapi init complete after ${timeout}s\n`);
  return 1;
}

/**
 * systemd 219's `systemd-analyze [time|blame|verify]` for a dom0 that booted as the model says.
 * `verify` loads the named units and their dependencies: a simulated dom0's units are all
 * consistent, so it prints nothing; a unit that does not exist fails to load.
 */
async function systemdAnalyze(io: CommandIo, env: ShellEnv): Promise<number> {
  const [verb = 'time', ...names] = io.argv.filter((a) => !a.startsWith('-'));
  if (verb === 'verify') {
    const services = [...(await packageState(env)).pk.serviceStarts.keys()].map((u) => `${u}.service`);
    const known = new Set([...TARGETS, ...services]);
    let code = 0;
    for (const n of names) {
      if (known.has(posix.basename(n))) continue;
      io.err(`Failed to load ${n}: No such file or directory\n`);
      code = 1;
    }
    return code;
  }
  const units: Array<[string, number]> = [
    ['xapi.service', 14.212],
    ['xenopsd-xc.service', 3.118],
    ['xcp-networkd.service', 2.641],
    ['xcp-rrdd.service', 1.377],
    ['squeezed.service', 0.911],
    ['message-switch.service', 0.604],
    ['sshd.service', 0.213],
  ];
  if (verb === 'time') {
    io.out('Startup finished in 2.104s (kernel) + 3.512s (initrd) + 20.214s (userspace) = 25.830s (simulated)\n');
    return 0;
  }
  if (verb === 'blame') {
    io.out(units.map(([u, s]) => `${`${s.toFixed(3)}s`.padStart(12)} ${u}\n`).join(''));
    return 0;
  }
  io.err(`Unknown operation '${verb}'.\n`);
  return 1;
}

const xlName = (vm: SimVm): string => (vm.isControlDomain ? 'Domain-0' : vm.name);

function domains(env: ShellEnv): SimVm[] {
  const host = env.host();
  return [...env.model.state.vms.values()]
    .filter((v) => v.residentOn === host.uuid && (v.powerState === 'running' || v.powerState === 'paused'))
    .sort((a, b) => a.domId - b.domId);
}

/** `xl list`, `xl info`, `xl uptime`: the running domains of the host (xl's printf layouts). */
async function xl(io: CommandIo, env: ShellEnv): Promise<number> {
  const [sub, ...rest] = io.argv;
  const host = env.host();
  const now = env.model.clock.now();
  const seconds = (vm: SimVm): number => Math.max(0, (now - (vm.startTime ?? now)) / 1000);
  switch (sub) {
    case 'list':
    case 'li': {
      const wanted = rest.filter((a) => !a.startsWith('-'));
      const doms = domains(env).filter(
        (d) => !wanted.length || wanted.includes(xlName(d)) || wanted.includes(String(d.domId)),
      );
      const missing = wanted.find((w) => !domains(env).some((d) => xlName(d) === w || String(d.domId) === w));
      if (missing) {
        io.err(`${missing} is an invalid domain identifier (rc=-6)\n`);
        return 1;
      }
      io.out('Name                                        ID   Mem VCPUs\tState\tTime(s)\n');
      for (const d of doms) {
        const state = d.isControlDomain ? 'r-----' : d.powerState === 'paused' ? '--p---' : '-b----';
        const cpu = (seconds(d) * 0.02 * d.vcpus).toFixed(1);
        io.out(
          `${xlName(d).padEnd(40)} ${String(d.domId).padStart(5)} ${String(Math.round(d.memory / MIB)).padStart(5)} ${String(d.vcpus).padStart(5)}     ${state} ${cpu.padStart(9)}\n`,
        );
      }
      return 0;
    }
    case 'info': {
      const v = versionInfo(host.version);
      const [major, minor, extra] = /^(\d+)\.(\d+)(.*)$/.exec(v.xen.replace(/-.*$/, ''))?.slice(1) ?? ['4', '0', ''];
      const used = domains(env).reduce((s, d) => s + d.memory, 0) + host.memoryOverhead;
      const rows: Array<[string, string]> = [
        ['host', host.name],
        ['release', v.linux],
        ['version', '#1 SMP (simulated)'],
        ['machine', 'x86_64'],
        ['nr_cpus', String(host.cpuCount)],
        ['max_cpu_id', String(host.cpuCount - 1)],
        ['nr_nodes', '1'],
        ['cores_per_socket', String(Math.max(1, host.cpuCount / 2))],
        ['threads_per_core', '2'],
        ['cpu_mhz', '2394.454'],
        ['virt_caps', 'pv hvm hvm_directio pv_directio hap shadow'],
        ['total_memory', String(Math.round(host.memoryTotal / MIB))],
        ['free_memory', String(Math.max(0, Math.round((host.memoryTotal - used) / MIB)))],
        ['sharing_freed_memory', '0'],
        ['sharing_used_memory', '0'],
        ['outstanding_claims', '0'],
        ['free_cpus', '0'],
        ['xen_major', major!],
        ['xen_minor', minor!],
        ['xen_extra', extra!],
        ['xen_version', v.xen.replace(/-.*$/, '')],
        ['xen_caps', 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64'],
        ['xen_scheduler', 'credit'],
        ['xen_pagesize', '4096'],
        ['platform_params', 'virt_start=0xffff800000000000'],
        ['xen_changeset', `simulated-${v.xen}`],
        [
          'xen_commandline',
          'dom0_mem=4096M,max:4096M watchdog ucode=scan dom0_max_vcpus=1-16 crashkernel=256M,below=4G',
        ],
        ['cc_compiler', 'gcc (GCC) 11.2.1'],
        ['xend_config_format', '4'],
      ];
      io.out(rows.map(([k, val]) => `${k.padEnd(23)}: ${val}\n`).join(''));
      return 0;
    }
    case 'uptime': {
      io.out('Name                                ID Uptime\n');
      for (const d of domains(env)) {
        const s = Math.floor(seconds(d));
        const hms = `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
        io.out(`${xlName(d).padEnd(32)} ${String(d.domId).padStart(5)} ${hms}\n`);
      }
      return 0;
    }
    case undefined:
    case 'help':
      io.out('Usage xl [-vfNtT] <subcommand> [args]\n\nxl full list of subcommands: list, info, uptime (simulated)\n');
      return sub ? 0 : 1;
    default:
      io.err(`xl: '${sub}' is a real xl subcommand that this simulated host does not implement (simulated)\n`);
      return 1;
  }
}

export const DOM0_COMMANDS: CommandTable = {
  lsblk,
  'xapi-wait-init-complete': xapiWaitInitComplete,
  'systemd-analyze': systemdAnalyze,
  xl,
  'xen-bugtool': xenBugtool,
  sshd,
  gencert,
};
