import { join } from 'node:path';
import { SimVm } from 'src/simulator/model/types';
import { EchoSender } from 'src/simulator/network/icmp-echo';
import { ping } from 'src/simulator/network/ping';
import { GUEST_IP_COMMANDS } from 'src/simulator/shell/commands/guest-ip-command';
import { ShellEnv } from 'src/simulator/shell/shell-types';
import { runCommand } from 'src/simulator/testing/run-command';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', 'labs', 'default-lab.yaml');
const HOST = 'sim-830-a';

type Run = { stdout: string; stderr: string; code: number };

/** ping's transcripts and what the simulated network answers: guests, hosts, private networks. */
describe('ping over the simulated network', () => {
  let lab: XeHarness;
  beforeEach(() => {
    lab = XeHarness.fromFile(DEFAULT_LAB);
  });

  const pingFrom = async (from: EchoSender, ...argv: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await ping(lab.model, from, argv, {
      out: (t) => void (stdout += t),
      err: (t) => void (stderr += t),
      signal: new AbortController().signal,
    });
    return { stdout, stderr, code };
  };
  const inGuest = (vm: SimVm, name: 'ip' | 'ifconfig', ...argv: string[]): Promise<Run> =>
    runCommand(GUEST_IP_COMMANDS, name, { kind: 'guest', model: lab.model, vm } as unknown as ShellEnv, argv);
  const vmNamed = (name: string): SimVm => lab.model.state.vms.get(lab.vmUuid(name))!;
  const outside: EchoSender = { kind: 'outside' };

  it('prints iputils transcripts: replies from a running guest, 100% loss from a halted one', async () => {
    const up = vmNamed('debian12-recent').guest.address!;
    expect(await pingFrom(outside, '-c', '2', up)).toEqual({
      stdout: [
        `PING ${up} (${up}) 56(84) bytes of data.`,
        `64 bytes from ${up}: icmp_seq=1 ttl=64 time=0.100 ms`,
        `64 bytes from ${up}: icmp_seq=2 ttl=64 time=0.070 ms`,
        '',
        `--- ${up} ping statistics ---`,
        '2 packets transmitted, 2 received, 0% packet loss, time 1000ms',
        'rtt min/avg/max/mdev = 0.070/0.085/0.100/0.015 ms',
        '',
      ].join('\n'),
      stderr: '',
      code: 0,
    });
    await lab.xe(HOST, 'vm-shutdown', `uuid=${lab.vmUuid('debian12-recent')}`, '--force');
    expect(await pingFrom(outside, '-c', '3', '-W', '10', up)).toEqual({
      stdout: [
        `PING ${up} (${up}) 56(84) bytes of data.`,
        '',
        `--- ${up} ping statistics ---`,
        '3 packets transmitted, 0 received, 100% packet loss, time 12000ms',
        '',
        '',
      ].join('\n'),
      stderr: '',
      code: 1,
    });
  });

  it('answers a host address; refuses what iputils refuses', async () => {
    const host = lab.host(HOST).address;
    expect((await pingFrom(outside, '-c1', '-q', host)).stdout).toContain('1 packets transmitted, 1 received');
    expect(await pingFrom(outside, '-c', '1', 'sim-830-z')).toEqual({
      stdout: '',
      stderr: 'ping: sim-830-z: Name or service not known\n',
      code: 2,
    });
    expect((await pingFrom(outside, '-x', host)).stderr).toMatch(/^ping: invalid option -- 'x'\nUsage: ping /);
    expect(await pingFrom(outside, '-c', '0', host)).toMatchObject({
      stderr: 'ping: bad number of packets to transmit: 0\n',
      code: 2,
    });
    expect((await pingFrom(outside, '-c', '1')).code).toBe(2);
    // the guest's own link set down: it answers nothing
    const vm = vmNamed('debian12-recent');
    await inGuest(vm, 'ip', 'link', 'set', 'eth0', 'down');
    expect((await pingFrom(outside, '-c', '1', vm.guest.address!)).code).toBe(1);
  });

  it('a private network joins guests of one host only: xapi starts the second guest where the first runs', async () => {
    const net = (await lab.xe(HOST, 'network-create', 'name-label=private')).stdout.trim();
    const source = lab.vmUuid('debian10-carried-over-830');
    const clone = async (name: string): Promise<SimVm> => {
      const uuid = (await lab.xe(HOST, 'vm-clone', `uuid=${source}`, `new-name-label=${name}`)).stdout.trim();
      await lab.xe(HOST, 'vif-create', `vm-uuid=${uuid}`, `network-uuid=${net}`, 'device=1');
      return lab.model.state.vms.get(uuid)!;
    };
    const a = await clone('a');
    const b = await clone('b');
    expect((await lab.xe(HOST, 'vm-start', `uuid=${a.uuid}`, 'on=sim-830-b')).exitCode).toBe(0);
    const refused = await lab.xe(HOST, 'vm-start', `uuid=${b.uuid}`, 'on=sim-830-a');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${net} (private)`);
    expect((await lab.xe(HOST, 'vm-start', `uuid=${b.uuid}`)).exitCode).toBe(0);
    expect(b.residentOn).toBe(a.residentOn);
    await lab.model.clock.wait(600);

    expect(await inGuest(a, 'ifconfig', 'eth1', 'inet', '169.254.1.1', 'broadcast', '169.254.0.0', 'up')).toEqual({
      stdout: '',
      stderr: '',
      code: 0,
    });
    expect((await inGuest(a, 'ip', 'addr', 'show', 'eth1')).stdout).toContain('inet 169.254.1.1/16 scope global eth1');
    // b has no address on the private network yet: a's request reaches b's link but nothing answers
    expect((await pingFrom({ kind: 'guest', vm: a }, '-c3', '-w5', '169.254.2.1')).code).toBe(1);
    await inGuest(b, 'ifconfig', 'eth1', 'inet', '169.254.2.1', 'broadcast', '169.254.0.0', 'up');
    expect((await pingFrom({ kind: 'guest', vm: a }, '-c3', '-w5', '169.254.2.1')).code).toBe(0);
    expect((await pingFrom({ kind: 'guest', vm: b }, '-c3', '-w5', '169.254.1.1')).code).toBe(0);
    // nobody outside the host reaches a private network
    expect((await pingFrom(outside, '-c1', '169.254.2.1')).code).toBe(1);
    expect((await pingFrom({ kind: 'host', host: lab.host('sim-830-b') }, '-c1', '169.254.2.1')).code).toBe(1);
    // b's VIF locked without that address: its replies are dropped
    const bVif = (await lab.xe(HOST, 'vif-list', `vm-uuid=${b.uuid}`, 'device=1', '--minimal')).stdout.trim();
    await lab.xe(HOST, 'vif-param-set', `uuid=${bVif}`, 'locking-mode=locked');
    expect((await pingFrom({ kind: 'guest', vm: a }, '-c1', '169.254.2.1')).code).toBe(1);
    // a reboot forgets what ifconfig set
    await lab.xe(HOST, 'vm-reboot', `uuid=${a.uuid}`, '--force');
    await lab.model.clock.wait(600);
    expect((await inGuest(a, 'ip', 'addr', 'show', 'eth1')).stdout).not.toContain('169.254.1.1');
  });

  it('ifconfig refuses an unknown device or address', async () => {
    const vm = vmNamed('debian12-recent');
    expect(await inGuest(vm, 'ifconfig', 'eth7', '10.0.0.1', 'up')).toEqual({
      stdout: '',
      stderr: 'eth7: ERROR while getting interface flags: No such device\n',
      code: 255,
    });
    expect((await inGuest(vm, 'ifconfig', 'eth0', 'nowhere')).stderr).toBe(
      "nowhere: Unknown host\nifconfig: `--help' gives usage information.\n",
    );
  });
});
