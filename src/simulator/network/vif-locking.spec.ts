import { join } from 'node:path';
import { LabModel } from 'src/simulator/model/lab-model';
import { EchoSender } from 'src/simulator/network/icmp-echo';
import { ping } from 'src/simulator/network/ping';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', 'labs', 'default-lab.yaml');

async function pingFrom(
  model: LabModel,
  from: EchoSender,
  ...argv: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const code = await ping(model, from, argv, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    signal: new AbortController().signal,
  });
  return { stdout, stderr, code };
}

/** Transcripts of VIF locking (vif-param-*) and of what a locked VIF lets out, on both releases. */
describe.each([
  ['8.2.1', 'sim-821-a', 'debian10-upgraded'],
  ['8.3.0', 'sim-830-a', 'debian12-recent'],
])('VIF locking on %s', (version, host, vmName) => {
  let lab: XeHarness;
  let vif: string;
  let address: string;
  const outside: EchoSender = { kind: 'outside' };
  const answered = async (): Promise<boolean> => (await pingFrom(lab.model, outside, '-c', '1', address)).code === 0;

  beforeEach(async () => {
    lab = XeHarness.fromFile(DEFAULT_LAB);
    const vm = lab.model.state.vms.get(lab.vmUuid(vmName))!;
    address = vm.guest.address!;
    vif = (await lab.xe(host, 'vif-list', `vm-uuid=${vm.uuid}`, 'device=0', '--minimal')).stdout.trim();
  });

  const param = (...args: string[]) => lab.xe(host, ...args);

  it('starts in network_default; a network unlocked by default lets everything out', async () => {
    expect((await param('vif-param-get', `uuid=${vif}`, 'param-name=locking-mode')).stdout).toBe('network_default\n');
    expect((await param('vif-param-get', `uuid=${vif}`, 'param-name=ipv4-allowed')).stdout).toBe('\n');
    expect(await answered()).toBe(true);
  });

  it('locked with no allowed address drops every reply; adding the address lets it through; removing drops again', async () => {
    expect(await param('vif-param-set', `uuid=${vif}`, 'locking-mode=locked')).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    expect(await answered()).toBe(false);
    await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv4-allowed', `param-key=${address}`);
    expect((await param('vif-param-get', `uuid=${vif}`, 'param-name=ipv4-allowed')).stdout).toBe(`${address}\n`);
    expect(await answered()).toBe(true);
    await param('vif-param-remove', `uuid=${vif}`, 'param-name=ipv4-allowed', `param-key=${address}`);
    expect(await answered()).toBe(false);
    // another address of the same subnet is not the guest's: still dropped
    const [a, b, c, d] = address.split('.').map(Number);
    await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv4-allowed', `param-key=${a}.${b}.${c}.${d! + 1}`);
    expect(await answered()).toBe(false);
    await param('vif-param-clear', `uuid=${vif}`, 'param-name=ipv4-allowed');
    await param('vif-param-set', `uuid=${vif}`, 'locking-mode=unlocked');
    expect(await answered()).toBe(true);
  });

  it('disabled drops everything, even an allowed address; network_default follows the network', async () => {
    await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv4-allowed', `param-key=${address}`);
    await param('vif-param-set', `uuid=${vif}`, 'locking-mode=disabled');
    expect(await answered()).toBe(false);
    await param('vif-param-set', `uuid=${vif}`, 'locking-mode=network_default');
    const net = (await param('vif-param-get', `uuid=${vif}`, 'param-name=network-uuid')).stdout.trim();
    expect((await param('network-param-get', `uuid=${net}`, 'param-name=default-locking-mode')).stdout).toBe(
      'unlocked\n',
    );
    expect(await answered()).toBe(true);
    await param('network-param-set', `uuid=${net}`, 'default-locking-mode=disabled');
    expect(await answered()).toBe(false);
    expect(await param('network-param-set', `uuid=${net}`, 'default-locking-mode=locked')).toEqual({
      stdout: '',
      stderr: "Error: Expected 'unlocked' or 'disabled', got locked\n",
      exitCode: 1,
    });
  });

  it('refuses a mode or an address xapi refuses', async () => {
    expect(await param('vif-param-set', `uuid=${vif}`, 'locking-mode=closed')).toEqual({
      stdout: '',
      stderr: "Error: Expected 'network_default', 'locked', 'unlocked', 'disabled', got closed\n",
      exitCode: 1,
    });
    const refused = await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv4-allowed', 'param-key=10.0.0.300');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^A required parameter contained an invalid IP address\nparameter: ipv4_allowed\n$/);
    expect(
      (await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv6-allowed', `param-key=${address}`)).stderr,
    ).toMatch(/^A required parameter contained an invalid IP address\nparameter: ipv6_allowed\n$/);
    expect((await param('vif-param-get', `uuid=${vif}`, 'param-name=ipv4-allowed')).stdout).toBe('\n');
  });

  it(`CIDRs in ipv4-allowed: ${version === '8.2.1' ? 'refused (helpers.ml assert_is_valid_ip)' : 'matched by prefix'}`, async () => {
    await param('vif-param-set', `uuid=${vif}`, 'locking-mode=locked');
    const added = await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv4-allowed', `param-key=${address}/24`);
    if (version === '8.2.1') {
      expect(added.exitCode).toBe(1);
      expect(added.stderr).toMatch(/^A required parameter contained an invalid IP address\nparameter: ipv4_allowed\n$/);
      return;
    }
    expect(added.exitCode).toBe(0);
    expect(await answered()).toBe(true);
    await param('vif-param-clear', `uuid=${vif}`, 'param-name=ipv4-allowed');
    await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv4-allowed', 'param-key=127.0.0.1/24');
    expect(await answered()).toBe(false);
    const tooLong = await param('vif-param-add', `uuid=${vif}`, 'param-name=ipv4-allowed', 'param-key=10.0.0.0/33');
    expect(tooLong.stderr).toMatch(/^A required parameter contained an invalid IP address\nparameter: ipv4_allowed\n$/);
  });
});
