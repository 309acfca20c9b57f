import { SeededRandom } from 'src/simulator/guest/seeded-random';
import { CommandTable } from 'src/simulator/shell/shell-types';

/** Guests with a running `iperf3 -s`, by guest address. */
const iperfServers = new Set<string>();

function argValue(argv: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    for (const n of names) {
      if (a === n) return argv[i + 1];
      if (n.startsWith('--') && a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

const seconds = (t: string | undefined, fallback: number): number => {
  if (!t) return fallback;
  const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(t);
  if (!m) return fallback;
  return parseFloat(m[1] ?? '0') * ({ '': 1, s: 1, m: 60, h: 3600 }[m[2] ?? ''] ?? 1);
};

let stressPid = 4000;

export const GUEST_COMMANDS: CommandTable = {
  /** stress / stress-ng: sets the guest's load (it raises the dirty rate during migration) */
  stress: async (io, env) => {
    const vm = env.vm;
    if (!vm) return 1;
    const n = (k: string): number => parseInt(argValue(io.argv, `--${k}`, `-${k[0] ?? ''}`) ?? '0', 10) || 0;
    const cpu = n('cpu');
    const ioHogs = n('io');
    const vmHogs = n('vm');
    const hdd = n('hdd');
    vm.guest.load = Math.min(1, (0.5 * cpu) / Math.max(1, vm.vcpus) + 0.05 * ioHogs + 0.12 * vmHogs + 0.05 * hdd);
    const timeout = seconds(argValue(io.argv, '--timeout', '-t'), Infinity);
    stressPid += 1;
    io.out(`stress: info: [${stressPid}] dispatching hogs: ${cpu} cpu, ${ioHogs} io, ${vmHogs} vm, ${hdd} hdd\n`);
    const started = env.model.clock.now();
    const token = started;
    vm.guest.loadUntil = token;
    if (Number.isFinite(timeout)) {
      await env.model.clock.wait(timeout, io.signal).catch(() => undefined);
    } else {
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (vm.guest.loadUntil !== token || io.signal.aborted) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
    }
    if (vm.guest.loadUntil === token) {
      vm.guest.load = 0;
      vm.guest.loadUntil = null;
    }
    io.out(
      `stress: info: [${stressPid}] successful run completed in ${Math.round((env.model.clock.now() - started) / 1000)}s\n`,
    );
    return 0;
  },
  pkill: async (io, env) => {
    const vm = env.vm;
    if (!vm || !io.argv.some((a) => a.startsWith('stress')) || vm.guest.loadUntil === null) return 1;
    vm.guest.load = 0;
    vm.guest.loadUntil = null;
    return 0;
  },
  iperf3: async (io, env) => {
    const vm = env.vm;
    if (!vm?.guest.address) return 1;
    if (io.argv.includes('-s')) {
      iperfServers.add(vm.guest.address);
      if (io.argv.includes('-D')) return 0;
      await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
      iperfServers.delete(vm.guest.address);
      return 0;
    }
    const target = argValue(io.argv, '-c');
    const duration = seconds(argValue(io.argv, '-t'), 10);
    const peer = [...env.model.state.vms.values()].find(
      (v) => v.guest.address === target && v.powerState === 'running',
    );
    if (!target || !peer || !iperfServers.has(target)) {
      io.err(
        'iperf3: error - unable to connect to server - server may have stopped running or use a different port, firewall issue, etc.: Connection refused\n',
      );
      return 1;
    }
    const a = env.host();
    const b = env.model.host(peer.residentOn ?? a.uuid);
    const rng = new SeededRandom(`${env.model.state.name}:iperf:${vm.uuid}:${peer.uuid}:${env.model.clock.now()}`);
    // Same host: the bridge, bounded by netback CPU; different hosts: the physical link.
    const base = a.uuid === b.uuid ? 18e9 : Math.min(a.linkGbps, b.linkGbps) * 1e9 * 0.94;
    const bps = base * (1 + 0.02 * rng.normal()) * (1 - 0.4 * vm.guest.load);
    await env.model.clock.wait(duration, io.signal).catch(() => undefined);
    const bytes = Math.round((bps * duration) / 8);
    const now = Math.floor(env.model.clock.now() / 1000);
    const intervals = Array.from({ length: Math.max(1, Math.round(duration)) }, (_, i) => ({
      streams: [],
      sum: {
        start: i,
        end: i + 1,
        seconds: 1,
        bytes: Math.round(bytes / duration),
        bits_per_second: bps,
        retransmits: 0,
        omitted: false,
        sender: true,
      },
    }));
    const doc = {
      start: {
        connected: [
          { socket: 5, local_host: vm.guest.address, local_port: 40000, remote_host: target, remote_port: 5201 },
        ],
        version: 'iperf 3.9',
        system_info: `Linux ${env.hostname} 5.10.0-28-amd64 #1 SMP x86_64`,
        timestamp: { time: new Date(now * 1000).toUTCString(), timesecs: now },
        connecting_to: { host: target, port: 5201 },
        test_start: {
          protocol: 'TCP',
          num_streams: 1,
          blksize: 131072,
          omit: 0,
          duration,
          bytes: 0,
          blocks: 0,
          reverse: 0,
        },
      },
      intervals,
      end: {
        streams: [],
        sum_sent: {
          start: 0,
          end: duration,
          seconds: duration,
          bytes,
          bits_per_second: bps,
          retransmits: 0,
          sender: true,
        },
        sum_received: { start: 0, end: duration, seconds: duration, bytes, bits_per_second: bps * 0.999, sender: true },
        cpu_utilization_percent: {
          host_total: 35.2,
          host_user: 1.1,
          host_system: 34.1,
          remote_total: 20.5,
          remote_user: 0.9,
          remote_system: 19.6,
        },
        simulated: true,
      },
    };
    io.out(
      io.argv.includes('-J')
        ? `${JSON.stringify(doc, null, '\t')}\n`
        : `[  5]   0.00-${duration.toFixed(2)}  sec  ${(bytes / 1073741824).toFixed(1)} GBytes  ${(bps / 1e9).toFixed(1)} Gbits/sec  (simulated)\n`,
    );
    return 0;
  },
  rpm: async (io, env) => {
    const pkg = io.argv.find((a) => !a.startsWith('-'));
    if (pkg === 'xe-guest-utilities' && env.vm?.tools) {
      io.out(`xe-guest-utilities-${env.vm.tools.version}.x86_64\n`);
      return 0;
    }
    io.out(`package ${pkg ?? ''} is not installed\n`);
    return 1;
  },
  'dpkg-query': async (io, env) => {
    if (io.argv.includes('xe-guest-utilities') && env.vm?.tools) {
      const fmt = argValue(io.argv, '-f', '--showformat');
      io.out(fmt ? env.vm.tools.version : `xe-guest-utilities\t${env.vm.tools.version}\n`);
      return 0;
    }
    io.err(`dpkg-query: no packages found matching ${io.argv[io.argv.length - 1] ?? ''}\n`);
    return 1;
  },
  reboot: async (_io, env) => {
    env.reboot?.();
    return 0;
  },
};
GUEST_COMMANDS['stress-ng'] = GUEST_COMMANDS['stress'] as NonNullable<(typeof GUEST_COMMANDS)['stress']>;
GUEST_COMMANDS['killall'] = GUEST_COMMANDS['pkill'] as NonNullable<(typeof GUEST_COMMANDS)['pkill']>;
