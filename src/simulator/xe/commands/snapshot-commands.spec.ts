import { join } from 'node:path';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', '..', 'labs', 'default-lab.yaml');

/** Transcripts of the snapshot family on both releases (cli_operations.ml vm_snapshot, snapshot_*, vm_disk_list). */
describe.each([
  ['8.2.1', 'sim-821-a', 'debian10-upgraded'],
  ['8.3.0', 'sim-830-a', 'debian12-recent'],
])('xe snapshots on %s', (_version, host, vmName) => {
  let lab: XeHarness;
  let vm: string;
  beforeEach(() => {
    lab = XeHarness.fromFile(DEFAULT_LAB);
    vm = lab.vmUuid(vmName);
  });

  it('vm-snapshot prints the new uuid; the snapshot is a template that remembers its VM and its disks', async () => {
    const snap = await lab.xe(host, 'vm-snapshot', `uuid=${vm}`, 'new-name-label=snap1');
    expect(snap).toMatchObject({ stderr: '', exitCode: 0 });
    const uuid = snap.stdout.trim();
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const get = async (name: string): Promise<string> =>
      (await lab.xe(host, 'vm-param-get', `uuid=${uuid}`, `param-name=${name}`)).stdout.trim();
    expect([await get('is-a-snapshot'), await get('is-a-template'), await get('snapshot-of')]).toEqual([
      'true',
      'true',
      vm,
    ]);
    expect((await lab.xe(host, 'vm-param-get', `uuid=${vm}`, 'param-name=snapshots')).stdout.trim()).toBe(uuid);
    expect((await lab.xe(host, 'snapshot-list', '--minimal')).stdout).toBe(`${uuid}\n`);
    expect((await lab.xe(host, 'vm-list', `uuid=${uuid}`)).stdout).toBe(''); // snapshots are templates
    // snapshot-disk-list as xcp-ng-tests calls it: vbd-params= empty, --minimal gives the VDI uuids
    const disks = await lab.xe(host, 'snapshot-disk-list', `uuid=${uuid}`, 'vbd-params=', '--minimal');
    const [vdi] = disks.stdout.trim().split(',');
    expect((await lab.xe(host, 'vdi-param-get', `uuid=${vdi}`, 'param-name=is-a-snapshot')).stdout).toBe('true\n');
  });

  it('vm-disk-list prints a VBD record and a VDI record per disk', async () => {
    const r = await lab.xe(host, 'vm-disk-list', `uuid=${vm}`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^Disk 0 VBD:\nuuid \( RO\) +: [0-9a-f-]{36}\n +vm-name-label \( RO\): .+\n +userdevice \( RW\): 0\n\n\nDisk 0 VDI:\nuuid \( RO\) +: [0-9a-f-]{36}\n +name-label \( RW\): .+\n +sr-name-label \( RO\): .+\n +virtual-size \( RO\): \d+\n\n\n$/,
    );
  });

  it('refuses what xapi refuses: checkpoint of a halted VM, snapshot ops on a VM that is not a snapshot', async () => {
    const halted = (await lab.xe(host, 'vm-list', 'power-state=halted', 'is-control-domain=false', '--minimal')).stdout
      .trim()
      .split(',')[0];
    const cp = await lab.xe(host, 'vm-checkpoint', `uuid=${halted}`, 'new-name-label=cp');
    expect(cp.exitCode).toBe(1);
    expect(cp.stderr).toMatch(
      /^You attempted an operation on a VM that was not in an appropriate power state.*\nvm: .+\nexpected: paused, suspended, running\nactual: halted\n$/,
    );
    expect(await lab.xe(host, 'snapshot-revert', `uuid=${vm}`)).toEqual({
      stdout: '',
      stderr: `Error: This operation can only be performed on a VM snapshot. ${vm} is not a VM snapshot.\n`,
      exitCode: 1,
    });
    expect(await lab.xe(host, 'snapshot-revert')).toEqual({
      stdout: '',
      stderr: 'Error: Required parameter not found: snapshot-uuid or uuid.\n',
      exitCode: 1,
    });
  });

  it('snapshot-revert gives the VM the snapshot disks back, halted; snapshot-uninstall --force lists and destroys', async () => {
    const uuid = (await lab.xe(host, 'vm-snapshot', `uuid=${vm}`, 'new-name-label=s')).stdout.trim();
    expect(await lab.xe(host, 'snapshot-revert', `snapshot-uuid=${uuid}`)).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    expect((await lab.xe(host, 'vm-param-get', `uuid=${vm}`, 'param-name=power-state')).stdout).toBe('halted\n');
    const out = await lab.xe(host, 'snapshot-uninstall', `uuid=${uuid}`, '--force');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(
      new RegExp(
        `^The following items are about to be destroyed\nVM : ${uuid} \\(s\\)\nVDI: [0-9a-f-]{36} \\(.*\\) \nAll objects destroyed\n$`,
      ),
    );
    expect((await lab.xe(host, 'snapshot-list', '--minimal')).stdout).toBe('\n');
  });

  it('vm-pause and vm-unpause follow the power states', async () => {
    expect((await lab.xe(host, 'vm-pause', `uuid=${vm}`)).exitCode).toBe(0);
    expect((await lab.xe(host, 'vm-param-get', `uuid=${vm}`, 'param-name=power-state')).stdout).toBe('paused\n');
    const again = await lab.xe(host, 'vm-pause', `uuid=${vm}`);
    expect(again.stderr).toMatch(/\nexpected: running\nactual: paused\n$/);
    expect((await lab.xe(host, 'vm-unpause', `uuid=${vm}`)).exitCode).toBe(0);
    const unpause = await lab.xe(host, 'vm-unpause', `uuid=${vm}`);
    expect(unpause.stderr).toMatch(/\nexpected: paused\nactual: running\n$/);
  });
});
