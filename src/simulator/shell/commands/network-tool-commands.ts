import { LabModel } from 'src/simulator/model/lab-model';
import { SimPif } from 'src/simulator/model/types';
import { linksOf } from 'src/simulator/network/guest-links';
import { dom0Frames, ETHERTYPES, guestFrames } from 'src/simulator/network/link-traffic';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * tcpdump (a dom0 has it; a guest once its package is installed) over the frames the simulated
 * network carries (src/simulator/network/link-traffic.ts), and Open vSwitch's `ovs-appctl bond/show`
 * in a dom0 over the bonds xapi made (bond-create). Both print as the real tools do.
 */

/** The ethertype a filter asks for: `ether proto 0x86dd`, or the ip6/arp/ip shorthands. */
function filterType(words: string[]): string | null {
  const text = words.join(' ').trim();
  const m = /^ether proto (0x[0-9a-f]{4})$/i.exec(text);
  if (m) return m[1]!.toLowerCase();
  const byName = Object.entries(ETHERTYPES).find(([, name]) => name === text);
  return byName ? byName[0] : null;
}

function frameLine(type: string, seq: number): string {
  const ts = `12:00:${String(seq).padStart(2, '0')}.000000`;
  if (type === '0x8809') return `${ts} LACPv1, length 110`;
  // a Xen guest's link-local address (its MAC is 00:16:3e:…)
  return `${ts} IP6 fe80::216:3eff:fe00:${seq} > ff02::2: ICMP6, router solicitation, length 16`;
}

const devicesOf = (env: ShellEnv): string[] =>
  env.vm
    ? linksOf(env.vm, env.model).map((l) => l.name)
    : [...env.model.state.pifs.values()].filter((p) => p.hostUuid === env.host().uuid).map((p) => p.device);

export const TCPDUMP_COMMANDS: CommandTable = {
  tcpdump: async (io, env) => {
    let device: string | undefined;
    let count = Infinity;
    const words: string[] = [];
    for (let i = 0; i < io.argv.length; i++) {
      const a = io.argv[i]!;
      // tcpdump captures on one interface: of several -i, the last one counts
      if (a.startsWith('-i')) device = a.length > 2 ? a.slice(2) : io.argv[++i];
      else if (a.startsWith('-c')) count = Number(a.length > 2 ? a.slice(2) : io.argv[++i]);
      else if (/^-[nevlq]+$/.test(a)) continue;
      else if (a.startsWith('-')) return (io.err(`tcpdump: invalid option -- '${a.slice(1, 2)}'\n`), 1);
      else words.push(...a.split(/\s+/).filter(Boolean));
    }
    if (!Number.isInteger(count) || count <= 0) return (io.err('tcpdump: invalid packet count\n'), 1);
    const devices = devicesOf(env);
    const dev = device ?? devices.find((d) => d !== 'lo') ?? 'lo';
    if (!devices.includes(dev)) {
      io.err(`tcpdump: ${dev}: No such device exists\n(SIOCGIFHWADDR: No such device)\n`);
      return 1;
    }
    const type = filterType(words);
    if (type === null) {
      io.err(`tcpdump: the simulated capture filters by ethertype only ('ether proto 0xNNNN', ip6, arp, ip)\n`);
      return 1;
    }
    io.err('tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n');
    io.err(`listening on ${dev}, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n`);
    const seen = (): boolean =>
      (env.vm ? guestFrames(env.model, env.vm, dev) : dom0Frames(env.model, env.host().uuid, dev)).has(type);
    let captured = 0;
    // frames come while the network carries them: one look per simulated second until -c is reached
    // or the capture is stopped (timeout, the session closing)
    while (captured < count && !io.signal.aborted) {
      if (seen()) {
        captured += 1;
        io.out(`${frameLine(type, captured)}\n`);
        continue;
      }
      await env.model.clock.wait(1, io.signal).catch(() => undefined);
    }
    io.err(`${captured} packets captured\n${captured} packets received by filter\n0 packets dropped by kernel\n`);
    return captured >= count ? 0 : 124;
  },
};

/** OVS bond modes as xapi's network backend configures them (balance-tcp for lacp with tcpudp hashing). */
function ovsMode(pif: SimPif): string {
  const bond = pif.bond!;
  if (bond.mode !== 'lacp') return bond.mode;
  const hashing = bond.properties.find(([k]) => k === 'hashing_algorithm')?.[1] ?? 'tcpudp_ports';
  return hashing === 'src_mac' ? 'balance-slb' : 'balance-tcp';
}

function bondShow(model: LabModel, master: SimPif, version: string): string {
  const bond = master.bond!;
  const members = bond.members.map((u) => model.state.pifs.get(u)).filter((p) => p !== undefined);
  const prop = (k: string): string | undefined => bond.properties.find(([key]) => key === k)?.[1];
  const fallback = bond.mode === 'lacp' ? (prop('lacp-fallback-ab') ?? 'true') : 'false';
  // no LACP partner in the lab: "configured"; without fallback to active-backup the members stay disabled
  const lacpStatus = bond.mode === 'lacp' ? 'configured' : 'off';
  const enabled = bond.mode !== 'lacp' || fallback === 'true';
  const member = version === '8.2.1' ? 'slave' : 'member';
  const active = members.find((p) => p.uuid === bond.primarySlave) ?? members[0];
  const lines = [
    `---- ${master.device} ----`,
    `bond_mode: ${ovsMode(master)}`,
    `bond may use recirculation: ${ovsMode(master) === 'balance-tcp' ? 'yes' : 'no'}, Recirc-ID : -1`,
    'bond-hash-basis: 0',
    ...(version === '8.2.1' ? [] : ['lb_output action: disabled, bond-id: -1']),
    'updelay: 31000 ms',
    'downdelay: 200 ms',
    ...(ovsMode(master) === 'active-backup' ? [] : ['next rebalance: 9741 ms']),
    `lacp_status: ${lacpStatus}`,
    `lacp_fallback_ab: ${fallback}`,
    ...(version === '8.2.1' ? [] : ['active-backup primary: <none>']),
    ...(enabled && active ? [`active ${member} mac: ${active.mac.toLowerCase()}(${active.device})`] : []),
    '',
  ];
  for (const pif of members) {
    lines.push(`${member} ${pif.device}: ${enabled ? 'enabled' : 'disabled'}`);
    if (enabled && pif === active) lines.push(`  active ${member}`);
    lines.push(`  may_enable: ${enabled}`, '');
  }
  return `${lines.join('\n')}`;
}

export const OVS_COMMANDS: CommandTable = {
  'ovs-appctl': async (io, env) => {
    const [target, ...args] = io.argv;
    if (target !== 'bond/show') {
      io.err(
        `"${target ?? ''}" is not a valid command (use "list-commands" to see a list of valid commands)\novs-appctl: ovs-vswitchd: server returned an error\n`,
      );
      return 2;
    }
    const bonds = [...env.model.state.pifs.values()].filter((p) => p.hostUuid === env.host().uuid && p.bond);
    const wanted = args[0];
    const shown = wanted === undefined ? bonds : bonds.filter((p) => p.device === wanted);
    if (wanted !== undefined && shown.length === 0) {
      io.err('no such bond\novs-appctl: ovs-vswitchd: server returned an error\n');
      return 2;
    }
    io.out(shown.map((p) => bondShow(env.model, p, env.host().version)).join(''));
    return 0;
  },
};
