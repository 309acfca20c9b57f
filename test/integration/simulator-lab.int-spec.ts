import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { openssh, SshRun } from 'test/fixtures/simulator/openssh';

/** Polls `check` until it returns a value, at most `ms` real milliseconds. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('simulated default lab over SSH', () => {
  let lab: SimulatedLab;
  let stateDir: string;
  let key: string;

  const host = (name: string): { address: string; port: number } => {
    const h = lab.inventory.pools.flatMap((p) => p.hosts).find((x) => x.name === name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  };
  const sh = (hostName: string, command: string): Promise<SshRun> =>
    openssh(host(hostName).address, host(hostName).port, key, command);
  const xe1 = async (hostName: string, args: string): Promise<string> =>
    (await sh(hostName, `xe ${args}`)).stdout.trim();
  /** The lab's root password, as xapi checks remote-password= (from the inventory's password file). */
  const rootPassword = async (): Promise<string> => {
    const cred = lab.inventory.credentials['sim-root-password'] as { password_file: string };
    return (await readFile(cred.password_file, 'utf8')).trim();
  };
  const hostUuid = (name: string): Promise<string> => xe1(name, `host-list name-label=${name} --minimal`);
  const vmUuid = (hostName: string, name: string): Promise<string> =>
    xe1(hostName, `vm-list name-label=${name} --minimal`);

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'sim-lab-'));
    lab = await startSimulatedLab({ stateDir, speed: 2000 });
    const cred = lab.inventory.credentials['sim-root'];
    if (!cred || !('key_file' in cred)) throw new Error('no key credential');
    key = cred.key_file;
  });

  afterAll(async () => {
    await lab.stop();
  });

  it('prints an inventory that labels everything simulated', () => {
    expect(lab.inventory.simulated).toBe(true);
    expect(lab.inventory.pools.map((p) => p.name)).toEqual(['pool-821', 'pool-830', 'pool-mixed', 'pool-830-b']);
    expect(lab.inventory.pools.find((p) => p.name === 'pool-mixed')?.tags).toContain('rolling-upgrade');
    expect(lab.inventory.control_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('live migration 8.3.0 → 8.2.1 cross-pool fails with the real error; 8.2.1 → 8.3.0 succeeds', async () => {
    const vm = await vmUuid('sim-830-a', 'debian12-recent');
    const dest = await hostUuid('sim-821-a');
    const migrate = (password: string) =>
      sh(
        'sim-830-a',
        `xe vm-migrate uuid=${vm} host-uuid=${dest} live=true remote-master=${host('sim-821-a').address} remote-username=root remote-password=${password}`,
      );
    // xapi logs into the remote master first: a wrong password goes no further.
    expect(await migrate('x')).toEqual({
      stdout: expect.any(String),
      stderr:
        'The credentials given by the user are incorrect, so access has been denied, and you have not been issued a session handle.\n',
      code: 1,
    });
    const down = await migrate(await rootPassword());
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `Cannot migrate a VM to a destination host which is older than the source host.\nhost: ${vm} (debian12-recent)\nvm: OpaqueRef:${dest}\n`,
    );

    const old = await vmUuid('sim-mix-a', 'debian11-carried-over');
    const newer = await hostUuid('sim-mix-a');
    const up = await sh('sim-mix-a', `xe vm-migrate uuid=${old} host-uuid=${newer} live=true`);
    expect(up).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await xe1('sim-mix-a', `vm-param-get uuid=${old} param-name=resident-on`)).toBe(newer);
    const back = await sh('sim-mix-a', `xe vm-migrate uuid=${old} host=sim-mix-b live=true`);
    expect(back).toEqual({ stdout: '', stderr: 'This operation is not supported during an upgrade.\n', code: 1 });
  });

  it('a VM on local storage needs storage motion', async () => {
    const vm = await vmUuid('sim-830-a', 'rocky9-local');
    const a = await hostUuid('sim-830-a');
    const plain = await sh('sim-830-a', `xe vm-migrate uuid=${vm} host-uuid=${a} live=true`);
    expect(plain.code).toBe(1);
    expect(plain.stderr.split('\n')[0]).toBe(
      "You attempted to run a VM on a host which doesn't have access to an SR needed by the VM. The VM has at least one VBD attached to a VDI in the SR.",
    );
    const vdi = await xe1('sim-830-a', `vbd-list vm-uuid=${vm} params=vdi-uuid --minimal`);
    const sr = await xe1('sim-830-a', 'sr-list name-label="NFS pool-830" --minimal');
    const motion = await sh(
      'sim-830-a',
      `xe vm-migrate uuid=${vm} host-uuid=${a} live=true remote-master=${host('sim-830-a').address} remote-username=root remote-password=${await rootPassword()} vdi:${vdi}=${sr}`,
    );
    expect(motion.code).toBe(0);
    expect(motion.stdout).toContain(`VDI ${vdi} -> SR ${sr}\n`);
    expect(lab.vmsOn('sim-830-a').map((v) => v.name)).toContain('rocky9-local');
  });

  it.each([
    ['gzip', [0x1f, 0x8b]],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ])('vm-export compress=%s writes a real %s-framed XVA whose first member is ova.xml', async (compress, magic) => {
    const vm = await vmUuid('sim-821-a', 'win2016-old-drivers');
    const file = `/root/export-${compress}.xva`;
    const run = await sh('sim-821-a', `xe vm-export uuid=${vm} compress=${compress} filename=${file}`);
    expect(run).toEqual({ stdout: 'Export succeeded\n', stderr: '', code: 0 });
    const data = await readFile(join(stateDir, 'hosts', 'sim-821-a', 'fs', file));
    expect([...data.subarray(0, magic.length)]).toEqual(magic);
    let tar: Buffer;
    if (compress === 'gzip') tar = gunzipSync(data);
    // An independent decompressor (Debian's zstd), not the library that wrote the file.
    else {
      tar = (
        await promisify(execFile)('zstd', ['-dc', join(stateDir, 'hosts', 'sim-821-a', 'fs', file)], {
          encoding: 'buffer',
          maxBuffer: 64 << 20,
        })
      ).stdout;
    }
    expect(tar.subarray(0, 8).toString('latin1')).toBe('ova.xml\0');
    expect(tar.subarray(257, 262).toString('latin1')).toBe('ustar');
    const again = await sh('sim-821-a', `xe vm-export uuid=${vm} compress=${compress} filename=${file}`);
    expect(again).toEqual({
      stdout: '',
      stderr: `Operation failed. Error: Sys_error("${file}: File exists")\n`,
      code: 1,
    });
    const sr = await xe1('sim-821-a', 'sr-list type=nfs --minimal');
    const imported = await sh('sim-821-a', `xe vm-import filename=${file} sr-uuid=${sr}`);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(await xe1('sim-821-a', `vm-param-get uuid=${imported.stdout.trim()} param-name=name-label`)).toBe(
      'win2016-old-drivers',
    );
    await sh('sim-821-a', `xe vm-uninstall uuid=${imported.stdout.trim()} --force`);
  });

  it('a guest answers fio with fio JSON and reports its tools version; 8.3.0 writes 4k random faster', async () => {
    const guestOf = async (hostName: string, vmName: string): Promise<{ address: string; port: number }> => {
      const vm = await vmUuid(hostName, vmName);
      return waitFor(`${vmName} networks`, async () => {
        const nets = await xe1(hostName, `vm-param-get uuid=${vm} param-name=networks`);
        const m = /0\/ip: ([\d.]+).*0\/ssh-port: (\d+)/.exec(nets);
        return m?.[1] && m[2] ? { address: m[1], port: Number(m[2]) } : undefined;
      });
    };
    const fio =
      'sync;fio --randrepeat=1 --ioengine=libaio --direct=1 --gtod_reduce=1 --name=test --filename=test --bs=4k --iodepth=64 --size=4G --readwrite=randwrite --ramp_time=4 --output-format=json';
    const iops = async (hostName: string, vmName: string): Promise<number> => {
      const g = await guestOf(hostName, vmName);
      // A fresh guest has no fio: its package manager installs it.
      expect(await openssh(g.address, g.port, key, 'command -v fio; fio --version')).toMatchObject({ code: 127 });
      expect(await openssh(g.address, g.port, key, 'command -v apt-get dnf')).toMatchObject({
        stdout: '/usr/bin/apt-get\n',
      });
      const install = await openssh(g.address, g.port, key, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q fio');
      expect(install).toMatchObject({ code: 0, stdout: expect.stringContaining('Setting up fio (3.33-3)') });
      expect(await openssh(g.address, g.port, key, 'command -v fio')).toMatchObject({ stdout: '/usr/bin/fio\n' });
      const run = await openssh(g.address, g.port, key, fio);
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout) as { 'fio version': string; jobs: Array<{ write: { iops: number } }> };
      expect(doc['fio version']).toBe('fio-3.33');
      return doc.jobs[0]?.write.iops ?? 0;
    };
    // Both VMs sit on NFS: the only difference is the host version (a documented simulated effect).
    const old = await iops('sim-821-a', 'debian10-upgraded');
    const neu = await iops('sim-830-a', 'debian12-recent');
    expect(neu / old).toBeGreaterThan(1.05);
    const g = await guestOf('sim-821-a', 'debian10-upgraded');
    expect(await openssh(g.address, g.port, key, 'rpm -q xe-guest-utilities')).toMatchObject({
      stdout: 'xe-guest-utilities-7.20.0-9.x86_64\n',
      code: 0,
    });
  });

  it('a guest without repositories installs nothing; an unknown package is refused as apt-get does', async () => {
    const vm = lab.model.state.vms.get(await vmUuid('sim-830-a', 'debian12-recent'));
    expect(vm).toBeDefined();
    const nets = await xe1('sim-830-a', `vm-param-get uuid=${vm!.uuid} param-name=networks`);
    const m = /0\/ip: ([\d.]+).*0\/ssh-port: (\d+)/.exec(nets);
    const [address, port] = [m?.[1] ?? '', Number(m?.[2])];
    expect(await openssh(address, port, key, 'apt-get install -y nosuchtool')).toMatchObject({
      code: 100,
      stderr: 'E: Unable to locate package nosuchtool\n',
    });
    vm!.repositories = false;
    try {
      expect(await openssh(address, port, key, 'apt-get install -y iperf3')).toMatchObject({
        code: 100,
        stderr: 'E: Unable to locate package iperf3\n',
      });
      expect((await openssh(address, port, key, 'iperf3 --version')).code).toBe(127);
    } finally {
      vm!.repositories = true;
    }
  });

  it('ping: the control API pings from outside, dom0 from its host, over the simulated network', async () => {
    const ping = async (body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(`${lab.inventory.control_url ?? ''}/ping`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const guest = await xe1(
      'sim-830-a',
      `vm-param-get uuid=${await vmUuid('sim-830-a', 'debian12-recent')} param-name=networks param-key=0/ip`,
    );
    expect(await ping({ argv: ['-c', '1', '-q', guest] })).toEqual({
      status: 200,
      json: expect.objectContaining({ exit_code: 0, simulated: true }) as unknown,
    });
    expect((await sh('sim-830-a', `ping -c 1 ${guest}`)).stdout).toContain(`64 bytes from ${guest}: icmp_seq=1`);
    lab.faults.set({ host: 'sim-830-b', kind: 'reboot', arg: '3600' });
    expect((await ping({ argv: ['-c', '1', host('sim-830-b').address] })).json.exit_code).toBe(1);
    lab.faults.clear('sim-830-b', 'reboot');
    expect(await ping({ argv: '-c 1' })).toEqual({
      status: 400,
      json: { error: 'body must be {argv: string[]} (at most 32 arguments)' },
    });
  });

  it('faults: xapi restart, drop mid-command, hang, and the control API', async () => {
    lab.faults.set({ host: 'sim-821-b', kind: 'xapi-restart', arg: '0' });
    expect(await sh('sim-821-b', 'xe vm-list')).toEqual({
      stdout: '',
      stderr: 'Error: Connection refused (calling connect )\n',
      code: 1,
    });
    lab.faults.clear('sim-821-b', 'xapi-restart');
    expect((await sh('sim-821-b', 'xe vm-list --minimal')).code).toBe(0);

    lab.faults.set({ host: 'sim-821-b', kind: 'drop', arg: '1' });
    const dropped = await sh('sim-821-b', 'xe vm-list');
    expect(dropped.code).toBe(255);
    expect((await sh('sim-821-b', 'true')).code).toBe(0);

    const res = await fetch(`${lab.inventory.control_url ?? ''}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ host: 'sim-821-b', kind: 'hang' }),
    });
    expect(res.status).toBe(201);
    const hung = await openssh(host('sim-821-b').address, host('sim-821-b').port, key, 'true', 1500);
    expect(hung.code).not.toBe(0);
    expect((await fetch(`${lab.inventory.control_url ?? ''}/faults?host=sim-821-b`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await sh('sim-821-b', 'true')).code).toBe(0);
  });
});
