import { GuestLink, guestLinks, linkAddresses, linksOf, linkUp } from 'src/simulator/network/guest-links';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * iproute2's `ip` and net-tools' `ifconfig` in a Linux guest, over the guest's links
 * (src/simulator/network/guest-links.ts), in iproute2 4.x/5.x and net-tools 2.10 layout.
 */

function linkLines(env: ShellEnv, link: GuestLink, index: number): string[] {
  if (link.name === 'lo') {
    return [
      `${index}: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000`,
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    ];
  }
  const down = env.vm ? !linkUp(env.vm, link.name) : false;
  const flags = down ? 'BROADCAST,MULTICAST' : 'BROADCAST,MULTICAST,UP,LOWER_UP';
  return [
    `${index}: ${link.name}: <${flags}> mtu 1500 qdisc mq state ${down ? 'DOWN' : 'UP'} mode DEFAULT group default qlen 1000`,
    `    link/ether ${link.mac} brd ff:ff:ff:ff:ff:ff`,
  ];
}

function addrLines(env: ShellEnv, link: GuestLink, index: number): string[] {
  const [head, ether] = linkLines(env, link, index);
  const out = [head!.replace(' mode DEFAULT group default', ' group default'), ether!];
  if (link.name === 'lo') {
    out.push('    inet 127.0.0.1/8 scope host lo', '       valid_lft forever preferred_lft forever');
    return out;
  }
  for (const [address, prefix] of env.vm ? linkAddresses(env.vm, env.model, link.name) : []) {
    out.push(
      `    inet ${address}/${prefix} scope global ${link.name}`,
      '       valid_lft forever preferred_lft forever',
    );
  }
  return out;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The prefix of a classful address, as ifconfig picks a netmask when none is given. */
function classfulPrefix(address: string): number {
  const first = Number(address.split('.')[0]);
  return first < 128 ? 8 : first < 192 ? 16 : 24;
}

function maskPrefix(mask: string): number | null {
  if (!IPV4.test(mask)) return null;
  const bits = mask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : null;
}

function addAddress(env: ShellEnv, name: string, address: string, prefix: number): void {
  const links = guestLinks(env.vm!);
  const list = (links.addresses.get(name) ?? []).filter(([a]) => a !== address);
  links.addresses.set(name, [...list, [address, prefix]]);
}

export const GUEST_IP_COMMANDS: CommandTable = {
  ip: async (io, env) => {
    const args = io.argv.filter((a) => a !== '-4' && a !== '-6');
    const [object = '', verb = 'show', ...rest] = args;
    const all = linksOf(env.vm, env.model);
    const named = rest.filter((a) => a !== 'dev')[0];
    const pick = (name: string | undefined): GuestLink[] | null => {
      if (name === undefined) return all;
      const found = all.filter((l) => l.name === name);
      return found.length ? found : null;
    };
    if (['link', 'l'].includes(object) && ['show', 'list', 'ls'].includes(verb)) {
      const shown = pick(named);
      if (!shown) return (io.err(`Device "${named}" does not exist.\n`), 1);
      io.out(`${shown.flatMap((l) => linkLines(env, l, all.indexOf(l) + 1)).join('\n')}\n`);
      return 0;
    }
    if (['addr', 'address', 'a'].includes(object) && ['show', 'list', 'ls'].includes(verb)) {
      const shown = pick(named);
      if (!shown) return (io.err(`Device "${named}" does not exist.\n`), 1);
      io.out(`${shown.flatMap((l) => addrLines(env, l, all.indexOf(l) + 1)).join('\n')}\n`);
      return 0;
    }
    if (['addr', 'address', 'a'].includes(object) && verb === 'add') {
      // ip addr add ADDRESS/PREFIX dev NAME
      const [cidr = ''] = rest;
      const dev = rest[rest.indexOf('dev') + 1];
      const [address = '', prefixText = '32'] = cidr.split('/');
      const prefix = Number(prefixText);
      if (!IPV4.test(address) || !Number.isInteger(prefix) || prefix > 32) {
        return (io.err(`Error: any valid prefix is expected rather than "${cidr}".\n`), 1);
      }
      if (!rest.includes('dev') || !dev) return (io.err('Not enough information: "dev" argument is required.\n'), 1);
      if (!pick(dev) || !env.vm) return (io.err(`Cannot find device "${dev}"\n`), 1);
      addAddress(env, dev, address, prefix);
      return 0;
    }
    if (['link', 'l'].includes(object) && verb === 'set') {
      const state = rest.find((a) => a === 'up' || a === 'down');
      if (!named || !pick(named) || !env.vm) return (io.err(`Cannot find device "${named ?? ''}"\n`), 1);
      const { down } = guestLinks(env.vm);
      if (state === 'down') down.add(named);
      if (state === 'up') down.delete(named);
      return 0;
    }
    io.err(`Object "${object}" is unknown, try "ip help".\n`);
    return 1;
  },
  /** ifconfig IFACE [inet] ADDRESS [netmask MASK] [broadcast BCAST] [up|down]: what the suite's guests run */
  ifconfig: async (io, env) => {
    const [name, ...rest] = io.argv;
    const link = linksOf(env.vm, env.model).find((l) => l.name === name);
    if (name === undefined || rest.length === 0) {
      io.err('ifconfig: listing interfaces is not simulated; use `ip addr show`\n');
      return 1;
    }
    if (!link || !env.vm) return (io.err(`${name}: ERROR while getting interface flags: No such device\n`), 255);
    let address: string | undefined;
    let prefix: number | undefined;
    for (let i = 0; i < rest.length; i++) {
      const word = rest[i]!;
      if (word === 'inet') continue;
      if (word === 'up' || word === 'down') {
        const { down } = guestLinks(env.vm);
        if (word === 'down') down.add(link.name);
        else down.delete(link.name);
      } else if (word === 'netmask' || word === 'broadcast') {
        const value = rest[++i] ?? '';
        if (!IPV4.test(value)) {
          return (io.err(`${value}: Unknown host\nifconfig: \`--help' gives usage information.\n`), 1);
        }
        if (word === 'netmask') {
          const p = maskPrefix(value);
          if (p === null) return (io.err(`SIOCSIFNETMASK: Invalid argument\n`), 1);
          prefix = p;
        }
      } else if (IPV4.test(word) && address === undefined) {
        address = word;
      } else {
        io.err(`${word}: Unknown host\nifconfig: \`--help' gives usage information.\n`);
        return 1;
      }
    }
    if (address !== undefined) addAddress(env, link.name, address, prefix ?? classfulPrefix(address));
    return 0;
  },
};
