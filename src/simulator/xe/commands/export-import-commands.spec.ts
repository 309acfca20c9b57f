import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', '..', 'labs', 'default-lab.yaml');

/**
 * Transcripts of `vm-import url=` (Xapi_vm.import_inner at both tags): xapi GETs the URL itself,
 * follows up to 5 redirects, and reaches only the lab's own addresses from a simulated host.
 */
describe('xe vm-import url=', () => {
  let lab: XeHarness;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    lab = XeHarness.fromFile(DEFAULT_LAB);
    const vm = lab.vmUuid('debian10-carried-over-830');
    expect((await lab.xe('sim-830-a', 'vm-export', `vm=${vm}`, 'filename=/root/image.xva')).stdout).toBe(
      'Export succeeded\n',
    );
    const image = readFileSync(lab.context('sim-830-a').hostPath(lab.host('sim-830-a'), '/root/image.xva'));
    // An image server on a lab address (the host's own), as a tester's PXE server serves images.
    server = createServer((req, res) => {
      if (req.url === '/images/linux.xva') return res.writeHead(200).end(image);
      if (req.url === '/old/linux.xva') return res.writeHead(302, { Location: '/images/linux.xva' }).end();
      if (req.url === '/loop') return res.writeHead(302, { Location: '/loop' }).end();
      if (req.url === '/nowhere') return res.writeHead(302).end();
      res.writeHead(404, 'Not Found').end();
    });
    const address = lab.host('sim-830-a').address;
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    const port = (server.address() as { port: number }).port;
    base = `http://${address}:${port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('imports the image a URL serves, following a redirect, into a new halted VM', async () => {
    const before = (await lab.xe('sim-830-a', 'vm-list', 'name-label=debian10-carried-over-830', '--minimal')).stdout;
    const r = await lab.xe('sim-830-a', 'vm-import', `url=${base}/old/linux.xva`);
    expect(r).toEqual({ stdout: expect.stringMatching(/^[0-9a-f-]{36}\n$/) as string, stderr: '', exitCode: 0 });
    const uuid = r.stdout.trim();
    expect(before.trim().split(',')).not.toContain(uuid);
    expect((await lab.xe('sim-830-a', 'vm-param-get', `uuid=${uuid}`, 'param-name=power-state')).stdout).toBe(
      'halted\n',
    );
    expect((await lab.xe('sim-830-a', 'vm-param-get', `uuid=${uuid}`, 'param-name=name-label')).stdout).toBe(
      'debian10-carried-over-830\n',
    );
    expect((await lab.xe('sim-830-a', 'vm-disk-list', `uuid=${uuid}`)).stdout).toContain('Disk 0 VDI:');
  });

  it('refuses what xapi refuses: a status other than 200, a redirect loop or without Location', async () => {
    const missing = await lab.xe('sim-830-a', 'vm-import', `url=${base}/images/none.xva`);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('The VM could not be imported.');
    expect(missing.stderr).toContain('msg: 404 Not Found');
    const loop = await lab.xe('sim-830-a', 'vm-import', `url=${base}/loop`);
    expect(loop.stderr).toContain('msg: Maximum redirect limit reached');
    const nowhere = await lab.xe('sim-830-a', 'vm-import', `url=${base}/nowhere`);
    expect(nowhere.stderr).toContain('msg: Redirect with no new location');
  });

  it('reaches nothing outside the lab, and refuses other schemes and url= with filename=', async () => {
    const pxe = await lab.xe('sim-830-a', 'vm-import', 'url=http://pxe/images/alpine-minimal-3.12.0.xva');
    expect(pxe.exitCode).toBe(1);
    expect(pxe.stderr).toContain('Not_found');
    const outside = await lab.xe('sim-830-a', 'vm-import', 'url=http://192.0.2.1/a.xva');
    expect(outside.stderr).toContain('Unix.Unix_error(Unix.EHOSTUNREACH, "connect", "")');
    const ftp = await lab.xe('sim-830-a', 'vm-import', 'url=ftp://127.10.0.1/a.xva');
    expect(ftp.stderr).toContain('Unsupported URI scheme: ftp');
    expect(await lab.xe('sim-830-a', 'vm-import', `url=${base}/images/linux.xva`, 'filename=/root/image.xva')).toEqual({
      stdout: '',
      stderr: "Invalid arguments. The 'url' and 'filename' parameters should not both be specified.\n",
      exitCode: 1,
    });
  });
});
