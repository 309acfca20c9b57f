import { loadLabConfig } from 'src/simulator/config/lab-config';
import { join } from 'node:path';
import { OVS_COMMANDS, TCPDUMP_COMMANDS } from 'src/simulator/shell/commands/network-tool-commands';
import { ShellEnv } from 'src/simulator/shell/shell-types';
import { runCommand as run } from 'src/simulator/testing/run-command';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', '..', 'labs', 'default-lab.yaml');

/** Transcripts of bond-create/destroy/param, ovs-appctl bond/show and tcpdump on both releases. */
describe.each([
  ['8.2.1', 'pool-821', 'sim-821-a', 'slave'],
  ['8.3.0', 'pool-830', 'sim-830-a', 'member'],
])('bonds on %s', (version, pool, host, member) => {
  let lab: XeHarness;
  let net: string;
  let eth2: string;
  let eth3: string;
  const xe = (...args: string[]) => lab.xe(host, ...args);
  const dom0 = (): ShellEnv => ({ kind: 'host', model: lab.model, host: () => lab.host(host) }) as unknown as ShellEnv;

  beforeEach(async () => {
    const config = loadLabConfig(DEFAULT_LAB);
    for (const p of config.pools) if (p.name === pool) p.nics = 4;
    lab = XeHarness.fromConfig(config);
    net = (await xe('network-create', 'name-label=bond-net')).stdout.trim();
    const hostUuid = lab.host(host).uuid;
    eth2 = (await xe('pif-list', `host-uuid=${hostUuid}`, 'device=eth2', '--minimal')).stdout.trim();
    eth3 = (await xe('pif-list', `host-uuid=${hostUuid}`, 'device=eth3', '--minimal')).stdout.trim();
  });

  it('bond-create makes the master PIF bond0 on the network; bond-destroy gives the members back', async () => {
    const bond = (
      await xe('bond-create', `network-uuid=${net}`, `pif-uuids=${eth2},${eth3}`, 'mode=active-backup')
    ).stdout.trim();
    expect(bond).toMatch(/^[0-9a-f-]{36}$/);
    expect((await xe('bond-param-get', `uuid=${bond}`, 'param-name=mode')).stdout).toBe('active-backup\n');
    expect((await xe('bond-param-get', `uuid=${bond}`, 'param-name=slaves')).stdout).toBe(`${eth2}; ${eth3}\n`);
    expect((await xe('bond-list', '--minimal')).stdout).toBe(`${bond}\n`);
    const master = (await xe('bond-param-get', `uuid=${bond}`, 'param-name=master')).stdout.trim();
    const pif = async (uuid: string, field: string): Promise<string> =>
      (await xe('pif-param-get', `uuid=${uuid}`, `param-name=${field}`)).stdout.trim();
    expect(await pif(master, 'device')).toBe('bond0');
    expect(await pif(master, 'network-uuid')).toBe(net);
    expect(await pif(master, 'physical')).toBe('false');
    expect(await pif(master, 'bond-master-of')).toBe(bond);
    expect(await pif(eth2, 'bond-slave-of')).toBe(bond);
    expect(await pif(eth2, 'currently-attached')).toBe('false');
    expect(await pif(master, 'MAC')).toBe(await pif(eth2, 'MAC'));
    expect((await xe('pif-plug', `uuid=${eth2}`)).stderr).toMatch(/^This PIF is a bond member and cannot be plugged\./);

    expect((await run(OVS_COMMANDS, 'ovs-appctl', dom0(), ['bond/show', 'bond0'])).stdout).toContain(
      `bond_mode: active-backup\n`,
    );
    const shown = (await run(OVS_COMMANDS, 'ovs-appctl', dom0(), ['bond/show', 'bond0'])).stdout;
    expect(shown).toMatch(new RegExp(`lacp_status: off\\nlacp_fallback_ab: false\\n`));
    expect(shown).toContain(`\n${member} eth2: enabled\n  active ${member}\n  may_enable: true\n`);
    expect((await run(OVS_COMMANDS, 'ovs-appctl', dom0(), ['bond/show', 'bond1'])).code).toBe(2);

    expect(await xe('bond-destroy', `uuid=${bond}`)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await xe('bond-list', '--minimal')).stdout).toBe('\n');
    expect(await pif(eth2, 'bond-slave-of')).toBe('<not in database>');
    expect((await xe('network-destroy', `uuid=${net}`)).exitCode).toBe(0);
  });

  it('lacp: balance-tcp with xapi defaults; properties take only the keys the mode defines', async () => {
    const bond = (
      await xe('bond-create', `network-uuid=${net}`, `pif-uuids=${eth2},${eth3}`, 'mode=lacp')
    ).stdout.trim();
    expect((await xe('bond-param-get', `uuid=${bond}`, 'param-name=properties')).stdout).toBe(
      'hashing_algorithm: tcpudp_ports; lacp-time: slow; lacp-fallback-ab: true\n',
    );
    expect(await xe('bond-param-set', `uuid=${bond}`, 'properties:lacp-fallback-ab=false')).toMatchObject({
      exitCode: 0,
    });
    expect(await xe('bond-param-set', `uuid=${bond}`, 'properties:lacp-fallback-ab=maybe')).toEqual({
      stdout: '',
      stderr: 'The value given is invalid\nfield: properties\nvalue: lacp-fallback-ab = maybe\n',
      exitCode: 1,
    });
    const shown = (await run(OVS_COMMANDS, 'ovs-appctl', dom0(), ['bond/show', 'bond0'])).stdout;
    expect(shown).toContain('bond_mode: balance-tcp\n');
    expect(shown).toContain('lacp_status: configured\nlacp_fallback_ab: false\n');
    // OVS sends LACPDUs on the members: a capture on eth2 sees one
    const lacp = await run(TCPDUMP_COMMANDS, 'tcpdump', dom0(), ['-i', 'eth2', '-n', '-c1', 'ether proto 0x8809']);
    expect(lacp).toMatchObject({ stdout: '12:00:01.000000 LACPv1, length 110\n', code: 0 });
    expect(lacp.stderr).toContain('listening on eth2, link-type EN10MB (Ethernet)');
  });

  it('refuses what Xapi_bond.create refuses', async () => {
    expect(
      (await xe('bond-create', `network-uuid=${net}`, `pif-uuids=${eth2},${eth3}`, 'mode=round-robin')).stderr,
    ).toBe('Error: Invalid bond mode. Got round-robin\n');
    expect(
      (await xe('bond-create', `network-uuid=${net}`, `pif-uuids=${eth2},${eth3}`, 'properties:lacp-time=fast')).stderr,
    ).toBe('The value given is invalid\nfield: properties\nvalue: lacp-time = fast\n');
    await xe('bond-create', `network-uuid=${net}`, `pif-uuids=${eth2},${eth3}`);
    const other = (await xe('network-create', 'name-label=other')).stdout.trim();
    expect((await xe('bond-create', `network-uuid=${other}`, `pif-uuids=${eth2}`)).stderr).toBe(
      `This operation cannot be performed because the pif is bonded.\nPIF: ${eth2}\n`,
    );
    expect((await xe('bond-create', `network-uuid=${net}`, `pif-uuids=${eth2}`)).stderr).toMatch(
      /^You tried to create a PIF, but the network you tried to attach it to is already attached to some other PIF, and so the creation failed\./,
    );
    const elsewhere = [...lab.model.state.pifs.values()].find(
      (p) => p.hostUuid !== lab.host(host).uuid && p.device === 'eth3',
    );
    const third = (await xe('network-create', 'name-label=third')).stdout.trim();
    expect(
      (await xe('bond-create', `network-uuid=${third}`, `pif-uuids=${elsewhere?.uuid ?? ''},${eth2}`)).exitCode,
    ).toBe(1);
    expect((await xe('bond-destroy', 'uuid=00000000-0000-0000-0000-000000000000')).stderr).toMatch(
      /^The uuid you supplied was invalid\./,
    );
  });

  it('tcpdump on a member sees the IPv6 of a guest on the bond network; a guest sees nothing on an idle link', async () => {
    const bond = (
      await xe('bond-create', `network-uuid=${net}`, `pif-uuids=${eth2},${eth3}`, 'mode=balance-slb')
    ).stdout.trim();
    expect(bond).not.toBe('');
    const vm = lab.model.state.vms.get(lab.vmUuid(version === '8.2.1' ? 'debian10-upgraded' : 'debian12-recent'))!;
    const stop = new AbortController();
    const waiting = run(
      TCPDUMP_COMMANDS,
      'tcpdump',
      dom0(),
      ['-i', 'eth2', '-i', 'eth3', '-n', '-c1', 'ether proto 0x86dd'],
      stop.signal,
    );
    const vif = (await xe('vif-create', `vm-uuid=${vm.uuid}`, `network-uuid=${net}`, 'device=1')).stdout.trim();
    await xe('vif-plug', `uuid=${vif}`);
    const seen = await waiting;
    expect(seen.code).toBe(0);
    expect(seen.stdout).toMatch(
      /^12:00:01\.000000 IP6 fe80::[0-9a-f:]+ > ff02::2: ICMP6, router solicitation, length 16\n$/,
    );
    const guest = { kind: 'guest', model: lab.model, vm, host: () => lab.host(host) } as unknown as ShellEnv;
    const quiet = new AbortController();
    const idle = run(
      TCPDUMP_COMMANDS,
      'tcpdump',
      guest,
      ['-i', 'eth1', '-n', '-c1', 'ether proto 0x8809'],
      quiet.signal,
    );
    await lab.model.clock.wait(30);
    quiet.abort();
    expect(await idle).toMatchObject({ stdout: '', code: 124 });
    expect((await run(TCPDUMP_COMMANDS, 'tcpdump', guest, ['-i', 'eth9', '-c1', 'ip6'])).stderr).toBe(
      'tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n',
    );
  });
});
