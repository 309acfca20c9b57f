import { join } from 'node:path';
import { XeHarness } from 'src/simulator/testing/xe-harness';
import { loadTranscripts, TRANSCRIPT_LAB } from 'test/fixtures/simulator/transcripts';

const DEFAULT_LAB = join(__dirname, '..', 'labs', 'default-lab.yaml');

/** Splits a transcript command line the way a shell would for these simple, quote-free commands. */
const argvOf = (command: string): string[] => command.split(' ').slice(1);

describe('xe emulator: transcripts written from the reference', () => {
  for (const t of loadTranscripts()) {
    it(`${t.name}: ${t.command}`, async () => {
      const lab = XeHarness.fromFile(TRANSCRIPT_LAB);
      const result = await lab.xe('xcp1', ...argvOf(t.command));
      expect(result).toEqual({ stdout: t.stdout, stderr: t.stderr, exitCode: t.exitCode });
    });
  }
});

describe('xe emulator: output rules', () => {
  let lab: XeHarness;
  beforeEach(() => {
    lab = XeHarness.fromFile(TRANSCRIPT_LAB);
  });

  it('params= selects fields but keeps record order', async () => {
    const r = await lab.xe('xcp1', 'vm-list', 'name-label=debian12', 'params=power-state,uuid');
    expect(r.stdout).toBe(
      'uuid ( RO)           : 7e2a9c44-5b1d-11ee-8c99-0242ac120002\n    power-state ( RO): running\n\n\n',
    );
  });

  it('expensive fields read <expensive field> in lists but their value in param-get', async () => {
    const list = await lab.xe('xcp1', 'host-list', 'params=memory-free-computed,uuid');
    expect(list.stdout).toMatch(/^uuid \( RO\) +: .*\n {4}memory-free-computed \( RO\): <expensive field>\n/);
    const get = await lab.xe(
      'xcp1',
      'host-param-get',
      'uuid=c8f5d0a5-3c7e-4b36-9f1e-2b0a6a7d5e01',
      'param-name=memory-free-computed',
    );
    expect(get.stdout).toMatch(/^\d+\n$/);
  });

  it('param-get reads a map key and reports a missing one like xe', async () => {
    const host = 'uuid=c8f5d0a5-3c7e-4b36-9f1e-2b0a6a7d5e01';
    expect(
      (await lab.xe('xcp1', 'host-param-get', host, 'param-name=software-version', 'param-key=product_version')).stdout,
    ).toBe('8.2.1\n');
    const missing = await lab.xe('xcp1', 'host-param-get', host, 'param-name=software-version', 'param-key=nope');
    expect(missing).toEqual({ stdout: '', stderr: 'Error: Key nope not found in map\n', exitCode: 1 });
  });

  it("a Linux guest's address is reported once its sshd listens, with the port when it is not 22", async () => {
    const vm = lab.model.state.vms.get(lab.vmUuid('debian12'))!;
    const networks = () => lab.xe('xcp1', 'vm-param-get', `uuid=${vm.uuid}`, 'param-name=networks');
    vm.guest.address = '127.20.0.5';
    vm.guest.sshPort = null;
    expect((await networks()).stdout).toBe('\n');
    vm.guest.sshPort = 40022;
    expect((await networks()).stdout).toBe('0/ip: 127.20.0.5; 0/ipv4/0: 127.20.0.5; 0/ssh-port: 40022\n');
  });

  it('param-set refuses read-only fields and unknown fields', async () => {
    const vm = 'uuid=7e2a9c44-5b1d-11ee-8c99-0242ac120002';
    expect((await lab.xe('xcp1', 'vm-param-set', vm, 'power-state=halted')).stderr).toBe(
      "Error: Field 'power-state' is read-only.\n",
    );
    expect((await lab.xe('xcp1', 'vm-param-set', vm, 'bogus=1')).stderr).toBe("Error: Unknown field 'bogus'\n");
    expect((await lab.xe('xcp1', 'vm-param-set', vm, 'name-label=renamed')).exitCode).toBe(0);
    expect((await lab.xe('xcp1', 'vm-param-get', vm, 'param-name=name-label')).stdout).toBe('renamed\n');
  });

  it('an unknown filter field is rejected', async () => {
    expect(await lab.xe('xcp1', 'vm-list', 'destination-sr-uuid=x')).toEqual({
      stdout: '',
      stderr: "Error: Unknown field 'destination-sr-uuid'\n",
      exitCode: 1,
    });
  });

  it('a bare word is an empty-valued parameter (parse_params_2), an unknown switch a syntax error; bare xe prints usage with exit 0', async () => {
    expect(await lab.xe('xcp1', 'vm-list', 'oops')).toEqual({
      stdout: '',
      stderr: "Error: Unknown field 'oops'\n",
      exitCode: 1,
    });
    expect(await lab.xe('xcp1', 'vm-list', '-x', 'y')).toEqual({
      stdout: '',
      stderr: "Syntax error: \nFor usage run: 'xe help'\n",
      exitCode: 1,
    });
    const bare = await lab.xe('xcp1');
    expect(bare.exitCode).toBe(0);
    expect(bare.stderr).toMatch(/^Usage: xe <command>/);
  });

  it('a running HVM guest without tools cannot be suspended (VM_LACKS_FEATURE)', async () => {
    const d = XeHarness.fromFile(DEFAULT_LAB);
    const vm = d.vmUuid('win2019-no-drivers');
    const r = await d.xe('sim-821-a', 'vm-suspend', `uuid=${vm}`);
    expect(r).toEqual({
      stdout: '',
      stderr: `You attempted an operation on a VM which lacks the feature.\nvm: ${vm} (win2019-no-drivers)\n`,
      exitCode: 1,
    });
  });

  it('lifecycle: install, start, suspend, resume, shutdown --force, uninstall', async () => {
    const d = XeHarness.fromFile(DEFAULT_LAB);
    const sr = (await d.xe('sim-830-a', 'sr-list', 'name-label=NFS pool-830', '--minimal')).stdout.trim();
    const install = await d.xe(
      'sim-830-a',
      'vm-install',
      'template=Debian Bullseye 11',
      'new-name-label=t1',
      `sr-uuid=${sr}`,
    );
    expect(install.exitCode).toBe(0);
    const uuid = install.stdout.trim();
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const state = async (): Promise<string> =>
      (await d.xe('sim-830-a', 'vm-param-get', `uuid=${uuid}`, 'param-name=power-state')).stdout;
    expect(await state()).toBe('halted\n');
    expect((await d.xe('sim-830-a', 'vm-start', `uuid=${uuid}`)).exitCode).toBe(0);
    expect(await state()).toBe('running\n');
    expect((await d.xe('sim-830-a', 'vm-suspend', `uuid=${uuid}`)).exitCode).toBe(0);
    expect(await state()).toBe('suspended\n');
    expect((await d.xe('sim-830-a', 'vm-resume', `uuid=${uuid}`)).exitCode).toBe(0);
    expect((await d.xe('sim-830-a', 'vm-shutdown', `uuid=${uuid}`, '--force')).exitCode).toBe(0);
    expect(await state()).toBe('halted\n');
    expect((await d.xe('sim-830-a', 'vm-uninstall', `uuid=${uuid}`, '--force')).exitCode).toBe(0);
    expect((await d.xe('sim-830-a', 'vm-list', `uuid=${uuid}`, '--minimal')).stdout).toBe('\n');
    expect((await d.xe('sim-830-a', 'vdi-list', `name-label=t1 0`, '--minimal')).stdout).toBe('\n');
  });

  it('shutdown --force lists the hard_shutdown power states when halted', async () => {
    const d = XeHarness.fromFile(DEFAULT_LAB);
    const vm = d.vmUuid('win2016-old-drivers');
    const r = await d.xe('sim-821-a', 'vm-shutdown', `uuid=${vm}`, '--force');
    expect(r.stderr).toContain('\nexpected: paused, suspended, running\nactual: halted\n');
  });
});

describe('xe emulator: migration rules', () => {
  let d: XeHarness;
  beforeEach(() => {
    d = XeHarness.fromFile(DEFAULT_LAB);
  });

  const hostUuid = (name: string): string => d.host(name).uuid;

  it('intra-pool live migration on shared storage moves the VM', async () => {
    const vm = d.vmUuid('debian10-upgraded');
    const r = await d.xe('sim-821-a', 'vm-migrate', `uuid=${vm}`, `host-uuid=${hostUuid('sim-821-b')}`, 'live=true');
    expect(r).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await d.xe('sim-821-a', 'vm-param-get', `uuid=${vm}`, 'param-name=resident-on')).stdout).toBe(
      `${hostUuid('sim-821-b')}\n`,
    );
  });

  it('during a rolling upgrade, 8.3.0 → 8.2.1 is refused and 8.2.1 → 8.3.0 works', async () => {
    const vm = d.vmUuid('debian11-carried-over');
    const up = await d.xe('sim-mix-a', 'vm-migrate', `uuid=${vm}`, `host-uuid=${hostUuid('sim-mix-a')}`, 'live=true');
    expect(up.exitCode).toBe(0);
    const down = await d.xe('sim-mix-a', 'vm-migrate', `uuid=${vm}`, `host-uuid=${hostUuid('sim-mix-b')}`, 'live=true');
    expect(down).toEqual({ stdout: '', stderr: 'This operation is not supported during an upgrade.\n', exitCode: 1 });
  });

  it('cross-pool 8.3.0 → 8.2.1 fails with VM_HOST_INCOMPATIBLE_VERSION_MIGRATE; 8.2.1 → 8.3.0 succeeds', async () => {
    const newer = d.vmUuid('debian12-recent');
    const down = await d.xe(
      'sim-830-a',
      'vm-migrate',
      `uuid=${newer}`,
      `host-uuid=${hostUuid('sim-821-a')}`,
      'live=true',
      `remote-master=${d.host('sim-821-a').address}`,
      'remote-username=root',
      'remote-password=x',
    );
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toBe(
      `Cannot migrate a VM to a destination host which is older than the source host.\nhost: ${newer} (debian12-recent)\nvm: OpaqueRef:${hostUuid('sim-821-a')}\n`,
    );
    expect(down.stdout).toMatch(
      /^Performing a storage live migration\. Your VM's VDIs will be migrated with the VM\.\nWill migrate to remote host: sim-821-a, using remote network: Pool-wide network associated with eth0\. Here is the VDI mapping:\nVDI [0-9a-f-]+ -> SR [0-9a-f-]+\n$/,
    );

    const older = d.vmUuid('debian10-upgraded');
    const up = await d.xe(
      'sim-821-a',
      'vm-migrate',
      `uuid=${older}`,
      `host-uuid=${hostUuid('sim-830-b')}`,
      'live=true',
      `remote-master=${d.host('sim-830-a').address}`,
      'remote-username=root',
      'remote-password=x',
    );
    expect(up.stderr).toBe('');
    expect(up.stdout.startsWith('Performing a Storage XenMotion migration.')).toBe(true);
    expect((await d.xe('sim-830-a', 'vm-param-get', `uuid=${older}`, 'param-name=resident-on')).stdout).toBe(
      `${hostUuid('sim-830-b')}\n`,
    );
  });

  it('a VM on local storage needs storage motion: VM_REQUIRES_SR without, success with a vdi map', async () => {
    const vm = d.vmUuid('rocky9-local');
    const without = await d.xe(
      'sim-830-a',
      'vm-migrate',
      `uuid=${vm}`,
      `host-uuid=${hostUuid('sim-830-a')}`,
      'live=true',
    );
    expect(without.exitCode).toBe(1);
    expect(without.stderr).toMatch(
      /^You attempted to run a VM on a host which doesn't have access to an SR needed by the VM\. The VM has at least one VBD attached to a VDI in the SR\.\nvm: [0-9a-f-]+ \(rocky9-local\)\nsr: [0-9a-f-]+ \(Local storage\)\n$/,
    );
    const vdi = (await d.xe('sim-830-a', 'vbd-list', `vm-uuid=${vm}`, 'params=vdi-uuid', '--minimal')).stdout.trim();
    const target = (await d.xe('sim-830-a', 'sr-list', 'type=ext', `host=sim-830-a`, '--minimal')).stdout.trim();
    const withMotion = await d.xe(
      'sim-830-a',
      'vm-migrate',
      `uuid=${vm}`,
      `host-uuid=${hostUuid('sim-830-a')}`,
      'live=true',
      `remote-master=${d.host('sim-830-a').address}`,
      'remote-username=root',
      'remote-password=x',
      `vdi:${vdi}=${target}`,
    );
    expect(withMotion.stderr).toBe('');
    expect(withMotion.exitCode).toBe(0);
    expect((await d.xe('sim-830-a', 'vdi-param-get', `uuid=${vdi}`, 'param-name=sr-uuid')).stdout).toBe(`${target}\n`);
  });

  it('a running VM without tools cannot be live-migrated', async () => {
    const vm = d.vmUuid('win2019-no-drivers');
    const r = await d.xe('sim-821-a', 'vm-migrate', `uuid=${vm}`, `host-uuid=${hostUuid('sim-821-a')}`, 'live=true');
    expect(r.stderr).toBe(
      `You attempted an operation on a VM which lacks the feature.\nvm: ${vm} (win2019-no-drivers)\n`,
    );
  });

  it('not enough memory on the destination', async () => {
    d.host('sim-821-b').memoryTotal = 6 * 1024 ** 3;
    const vm = d.vmUuid('debian10-upgraded');
    const r = await d.xe('sim-821-a', 'vm-migrate', `uuid=${vm}`, `host=sim-821-b`);
    expect(r.stderr).toMatch(
      /^Not enough server memory is available to perform this operation\.\nneeded: 2147483648\navailable: \d+\n$/,
    );
  });

  it('a VM shows its migration in current-operations while it runs', async () => {
    const slow = XeHarness.fromFile(DEFAULT_LAB, 200);
    const vm = slow.vmUuid('debian10-upgraded');
    const migration = slow.xe('sim-821-a', 'vm-migrate', `uuid=${vm}`, `host=sim-821-b`);
    const during = await slow.xe('sim-821-a', 'vm-param-get', `uuid=${vm}`, 'param-name=current-operations');
    expect(during.stdout).toBe('pool_migrate\n');
    expect((await migration).exitCode).toBe(0);
    expect(slow.model.operations.at(-1)).toMatchObject({ operation: 'pool_migrate', simulated: true });
  });

  it('host-evacuate moves every guest off the host; designate-new-master switches the master', async () => {
    const a = hostUuid('sim-830-a');
    expect((await d.xe('sim-830-a', 'host-evacuate', `host=${a}`)).exitCode).toBe(0);
    expect(d.model.vmsOn(a).filter((v) => !v.isControlDomain)).toEqual([]);
    expect((await d.xe('sim-830-a', 'pool-designate-new-master', `host-uuid=${hostUuid('sim-830-b')}`)).exitCode).toBe(
      0,
    );
    expect((await d.xe('sim-830-a', 'pool-list', 'params=master', '--minimal')).stdout).toBe(
      `${hostUuid('sim-830-b')}\n`,
    );
  });

  it('host-evacuate fails on a host with a VM on local storage', async () => {
    const r = await d.xe('sim-821-a', 'host-evacuate', `host=sim-821-a`);
    expect(r.stderr).toMatch(
      /^You attempted to run a VM on a host which doesn't have access to an SR needed by the VM\./,
    );
  });
});
