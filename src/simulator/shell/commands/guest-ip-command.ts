import { SimVif } from 'src/simulator/model/types';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { deviceAttached } from 'src/simulator/xe/records';

/**
 * iproute2's `ip` in a Linux guest: `lo`, then one `eth<N>` per VIF the VM has plugged (a VIF
 * created but not plugged, or unplugged, is not seen by the guest), in iproute2 4.x/5.x layout.
 * `ip link set <dev> up|down` records the state; the first VIF carries the guest's address.
 */
interface Link {
  name: string;
  mac: string;
  vif?: SimVif;
}

/** Links a guest set down with `ip link set`, by VM uuid. */
const downLinks = new Map<string, Set<string>>();

function links(env: ShellEnv): Link[] {
  const vm = env.vm;
  if (!vm) return [{ name: 'lo', mac: '00:00:00:00:00:00' }];
  const vifs = [...env.model.state.vifs.values()]
    .filter((v) => v.vmUuid === vm.uuid && deviceAttached(v, env.model))
    .sort((a, b) => Number(a.device) - Number(b.device));
  return [
    { name: 'lo', mac: '00:00:00:00:00:00' },
    ...vifs.map((v) => ({ name: `eth${v.device}`, mac: v.mac.toLowerCase(), vif: v })),
  ];
}

function linkLines(env: ShellEnv, link: Link, index: number): string[] {
  const down = downLinks.get(env.vm?.uuid ?? '')?.has(link.name) ?? false;
  if (link.name === 'lo') {
    return [
      `${index}: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000`,
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    ];
  }
  const flags = down ? 'BROADCAST,MULTICAST' : 'BROADCAST,MULTICAST,UP,LOWER_UP';
  return [
    `${index}: ${link.name}: <${flags}> mtu 1500 qdisc mq state ${down ? 'DOWN' : 'UP'} mode DEFAULT group default qlen 1000`,
    `    link/ether ${link.mac} brd ff:ff:ff:ff:ff:ff`,
  ];
}

function addrLines(env: ShellEnv, link: Link, index: number, first: boolean): string[] {
  const [head, ether] = linkLines(env, link, index);
  const out = [head!.replace(' mode DEFAULT group default', ' group default'), ether!];
  if (link.name === 'lo') {
    out.push('    inet 127.0.0.1/8 scope host lo', '       valid_lft forever preferred_lft forever');
  } else if (first && env.vm?.guest.address) {
    out.push(
      `    inet ${env.vm.guest.address}/16 scope global ${link.name}`,
      '       valid_lft forever preferred_lft forever',
    );
  }
  return out;
}

export const GUEST_IP_COMMANDS: CommandTable = {
  ip: async (io, env) => {
    const args = io.argv.filter((a) => a !== '-4' && a !== '-6');
    const [object = '', verb = 'show', ...rest] = args;
    const all = links(env);
    const named = rest.filter((a) => a !== 'dev')[0];
    const pick = (name: string | undefined): Link[] | null => {
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
      io.out(`${shown.flatMap((l) => addrLines(env, l, all.indexOf(l) + 1, l === all[1])).join('\n')}\n`);
      return 0;
    }
    if (['link', 'l'].includes(object) && verb === 'set') {
      const state = rest.find((a) => a === 'up' || a === 'down');
      if (!named || !pick(named)) return (io.err(`Cannot find device "${named ?? ''}"\n`), 1);
      const set = downLinks.get(env.vm?.uuid ?? '') ?? new Set<string>();
      if (state === 'down') set.add(named);
      if (state === 'up') set.delete(named);
      downLinks.set(env.vm?.uuid ?? '', set);
      return 0;
    }
    io.err(`Object "${object}" is unknown, try "ip help".\n`);
    return 1;
  },
};
