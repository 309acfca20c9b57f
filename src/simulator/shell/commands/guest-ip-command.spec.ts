import { join } from 'node:path';
import { GUEST_IP_COMMANDS } from 'src/simulator/shell/commands/guest-ip-command';
import { ShellEnv } from 'src/simulator/shell/shell-types';
import { CommandRun, runCommand } from 'src/simulator/testing/run-command';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', '..', 'labs', 'default-lab.yaml');

const ip = (env: ShellEnv, ...argv: string[]): Promise<CommandRun> => runCommand(GUEST_IP_COMMANDS, 'ip', env, argv);

describe('ip in a simulated Linux guest', () => {
  it('shows lo and one eth per plugged VIF, as vif-create/plug/unplug change them', async () => {
    const lab = XeHarness.fromFile(DEFAULT_LAB);
    const vm = lab.model.state.vms.get(lab.vmUuid('debian12-recent'))!;
    const env = { kind: 'guest', model: lab.model, vm } as unknown as ShellEnv;
    const show = await ip(env, 'link', 'show');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 .*\n {4}link\/loopback 00:00:00:00:00:00/);
    expect(show.stdout).toMatch(
      /\n2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 .*\n {4}link\/ether [0-9a-f:]{17} brd/,
    );
    const ethers = (s: string): number => s.split('link/ether').length - 1;
    expect(ethers(show.stdout)).toBe(1);

    const net = (await lab.xe('sim-830-a', 'network-list', 'bridge=xenbr0', '--minimal')).stdout.trim();
    const vif = (
      await lab.xe('sim-830-a', 'vif-create', `vm-uuid=${vm.uuid}`, `network-uuid=${net}`, 'device=1')
    ).stdout.trim();
    expect(ethers((await ip(env, 'link', 'show')).stdout)).toBe(1);
    await lab.xe('sim-830-a', 'vif-plug', `uuid=${vif}`);
    expect((await ip(env, 'link', 'show', 'eth1')).stdout).toMatch(/^3: eth1: /);
    expect(await lab.xe('sim-830-a', 'vif-destroy', `uuid=${vif}`)).toMatchObject({
      stderr: expect.stringMatching(/^You attempted an operation that was not allowed\./),
      exitCode: 1,
    });
    expect(await ip(env, 'link', 'set', 'eth1', 'down')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect((await ip(env, 'link', 'show', 'eth1')).stdout).toContain(
      '<BROADCAST,MULTICAST> mtu 1500 qdisc mq state DOWN',
    );
    await lab.xe('sim-830-a', 'vif-unplug', `uuid=${vif}`);
    expect(await ip(env, 'link', 'show', 'eth1')).toEqual({
      stdout: '',
      stderr: 'Device "eth1" does not exist.\n',
      code: 1,
    });
    expect((await ip(env, 'addr', 'show', 'dev', 'eth0')).stdout).toContain(`inet ${vm.guest.address}/`);
    expect(await ip(env, 'route6x')).toEqual({
      stdout: '',
      stderr: 'Object "route6x" is unknown, try "ip help".\n',
      code: 1,
    });
  });
});
