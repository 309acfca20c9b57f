import { join } from 'node:path';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', '..', 'labs', 'default-lab.yaml');

/** Transcripts of the storage family on both releases: SM refusals, SR/PBD/VDI/VBD lifecycles. */
describe.each([
  ['8.2.1', 'sim-821-a', 'debian10-upgraded'],
  ['8.3.0', 'sim-830-a', 'debian12-recent'],
])('xe storage on %s', (_version, host, vmName) => {
  let lab: XeHarness;
  let hostUuid: string;
  beforeEach(async () => {
    lab = XeHarness.fromFile(DEFAULT_LAB);
    hostUuid = lab.host(host).uuid;
  });

  it('sr-create answers the SM driver failures, with the parameters xe prints for codes without a doc entry', async () => {
    expect(await lab.xe(host, 'sr-create', 'name-label=x', 'type=ext', `host-uuid=${hostUuid}`)).toEqual({
      stdout: '',
      stderr: 'Error code: SR_BACKEND_FAILURE_90\nError parameters: , The request is missing the device parameter, \n',
      exitCode: 1,
    });
    expect((await lab.xe(host, 'sr-create', 'name-label=x', 'type=nfs', 'shared=true')).stderr).toBe(
      'Error code: SR_BACKEND_FAILURE_102\nError parameters: , The request is missing the server parameter, \n',
    );
    expect(
      (await lab.xe(host, 'sr-create', 'name-label=x', 'type=nfs', 'shared=true', 'device-config:server=127.0.0.1'))
        .stderr,
    ).toBe(
      'Error code: SR_BACKEND_FAILURE_101\nError parameters: , The request is missing the serverpath parameter, \n',
    );
    expect((await lab.xe(host, 'sr-create', 'name-label=x', 'type=zfs2')).stderr).toBe(
      'The SR could not be connected because the driver was not recognised.\ndriver: zfs2\n',
    );
    expect(await lab.xe(host, 'sr-create', 'name-label=x')).toEqual({
      stdout: '',
      stderr: "Required parameter not found: type\nFor usage run: 'xe help'\n",
      exitCode: 1,
    });
  });

  it('an SR on an unused disk goes through create, PBD unplug, destroy; destroy with a plugged PBD is refused', async () => {
    const created = await lab.xe(
      host,
      'sr-create',
      'name-label=t',
      'type=ext',
      `host-uuid=${hostUuid}`,
      'device-config:device=/dev/sdc',
    );
    expect(created.exitCode).toBe(0);
    const sr = created.stdout.trim();
    const vdi = (await lab.xe(host, 'vdi-create', `sr-uuid=${sr}`, 'name-label=d', 'virtual-size=1GiB')).stdout.trim();
    expect((await lab.xe(host, 'sr-scan', `uuid=${sr}`)).exitCode).toBe(0);
    const refused = await lab.xe(host, 'sr-destroy', `uuid=${sr}`);
    expect(refused).toEqual({
      stdout: '',
      stderr: `The SR is still connected to a host via a PBD. It cannot be destroyed or forgotten.\nsr: ${sr} (t)\n`,
      exitCode: 1,
    });
    const pbd = (await lab.xe(host, 'pbd-list', `sr-uuid=${sr}`, '--minimal')).stdout.trim();
    expect((await lab.xe(host, 'pbd-unplug', `uuid=${pbd}`)).exitCode).toBe(0);
    expect((await lab.xe(host, 'pbd-param-get', `uuid=${pbd}`, 'param-name=currently-attached')).stdout).toBe(
      'false\n',
    );
    expect(await lab.xe(host, 'sr-destroy', `uuid=${sr}`)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await lab.xe(host, 'sr-list', `uuid=${sr}`, '--minimal')).stdout).toBe('\n');
    expect((await lab.xe(host, 'vdi-param-get', `uuid=${vdi}`, 'param-name=uuid')).stderr).toBe(
      `The uuid you supplied was invalid.\ntype: VDI\nuuid: ${vdi}\n`,
    );
  });

  it('vdi-clone, vdi-snapshot, vdi-resize (growing only), vdi-destroy', async () => {
    const sr = (await lab.xe(host, 'sr-list', 'type=nfs', '--minimal')).stdout.trim();
    const vdi = (
      await lab.xe(host, 'vdi-create', `sr-uuid=${sr}`, 'name-label=v', 'virtual-size=1073741824')
    ).stdout.trim();
    const clone = (await lab.xe(host, 'vdi-clone', `uuid=${vdi}`, 'new-name-label=c')).stdout.trim();
    expect((await lab.xe(host, 'vdi-param-get', `uuid=${clone}`, 'param-name=name-label')).stdout).toBe('c\n');
    const snap = (await lab.xe(host, 'vdi-snapshot', `uuid=${vdi}`)).stdout.trim();
    expect((await lab.xe(host, 'vdi-param-get', `uuid=${snap}`, 'param-name=snapshot-of')).stdout).toBe(`${vdi}\n`);
    expect((await lab.xe(host, 'vdi-resize', `uuid=${vdi}`, 'disk-size=2GiB')).exitCode).toBe(0);
    expect((await lab.xe(host, 'vdi-param-get', `uuid=${vdi}`, 'param-name=virtual-size')).stdout).toBe('2147483648\n');
    expect((await lab.xe(host, 'vdi-resize', `uuid=${vdi}`, 'disk-size=1GiB')).stderr).toBe(
      'Error code: SR_BACKEND_FAILURE_79\nError parameters: , VDI Invalid size [opterr=shrinking not allowed], \n',
    );
    expect((await lab.xe(host, 'vdi-destroy', `uuid=${clone}`)).exitCode).toBe(0);
  });

  it('vbd-create, plug, unplug and destroy on a running VM, with xapi refusals at each wrong step', async () => {
    const vm = lab.vmUuid(vmName);
    const sr = (await lab.xe(host, 'sr-list', 'type=nfs', '--minimal')).stdout.trim();
    const vdi = (
      await lab.xe(host, 'vdi-create', `sr-uuid=${sr}`, 'name-label=hot', 'virtual-size=1GiB')
    ).stdout.trim();
    expect((await lab.xe(host, 'vbd-create', `vm-uuid=${vm}`, 'device=0', `vdi-uuid=${vdi}`)).stderr).toBe(
      'A device with the name given already exists on the selected VM\ndevice: 0\n',
    );
    const vbd = (
      await lab.xe(host, 'vbd-create', `vm-uuid=${vm}`, 'device=autodetect', `vdi-uuid=${vdi}`)
    ).stdout.trim();
    expect((await lab.xe(host, 'vbd-param-get', `uuid=${vbd}`, 'param-name=currently-attached')).stdout).toBe(
      'false\n',
    );
    expect(await lab.xe(host, 'vbd-unplug', `uuid=${vbd}`)).toEqual({
      stdout: '',
      stderr: `The device is not currently attached\ndevice: ${vbd}\n`,
      exitCode: 1,
    });
    expect((await lab.xe(host, 'vbd-plug', `uuid=${vbd}`)).exitCode).toBe(0);
    expect((await lab.xe(host, 'vbd-plug', `uuid=${vbd}`)).stderr).toBe(
      `The device is already attached to a VM\ndevice: ${vbd}\n`,
    );
    expect((await lab.xe(host, 'vbd-destroy', `uuid=${vbd}`)).stderr).toBe(
      `You attempted an operation that was not allowed.\nreason: VBD '${vbd}' still attached to '${vm}'\n`,
    );
    expect((await lab.xe(host, 'vbd-unplug', `uuid=${vbd}`)).exitCode).toBe(0);
    expect((await lab.xe(host, 'vbd-destroy', `uuid=${vbd}`)).exitCode).toBe(0);
    expect((await lab.xe(host, 'vbd-create', `vm-uuid=${vm}`, 'device=9', 'type=Disk')).stderr).toBe(
      'Error: Empty VBDs can only be made for type=CD\n',
    );
  });
});
