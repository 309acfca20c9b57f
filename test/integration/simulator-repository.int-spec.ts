import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { SshPool } from 'src/remote/ssh-pool';
import { runCli } from 'test/utils/cli';

/** The simulated lab's yum repositories: publish a build, see it over HTTP and in the hosts' yum. */
describe('simulated yum repository', () => {
  let lab: SimulatedLab;
  let url: string;
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

  beforeAll(async () => {
    lab = await startSimulatedLab({ speed: 600, stateDir: mkdtempSync(join(tmpdir(), 'shakedown-sim-repo-')) });
    url = lab.inventory.control_url!;
  });

  afterAll(async () => {
    await lab?.stop();
  });

  const primary = async (release: string) => {
    const repomd = await (await fetch(`${url}/repos/xcp-ng-testing/${release}/repodata/repomd.xml`)).text();
    const data = xml.parse(repomd).repomd.data;
    const gz = Buffer.from(
      await (await fetch(`${url}/repos/xcp-ng-testing/${release}/${data.location.href}`)).arrayBuffer(),
    );
    const packages = xml.parse(gunzipSync(gz).toString('utf8')).metadata.package;
    return { revision: xml.parse(repomd).repomd.revision, packages: Array.isArray(packages) ? packages : [packages] };
  };

  it('should publish through `shakedown lab publish` and serve it in repomd.xml/primary.xml.gz for its release only', async () => {
    const before = await primary('8.3.0');
    const cli = await runCli(['lab', 'publish', 'xapi-core', '24.19.2-1.20.xcpng8.3', '--control', url]);
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toBe('published xapi-core-24.19.2-1.20.xcpng8.3 into xcp-ng-testing for 8.3.0 (simulated)\n');
    const after = await primary('8.3.0');
    expect(after.revision).not.toBe(before.revision);
    expect(after.packages.length).toBe(before.packages.length + 1);
    expect(after.packages.find((p) => p.version.rel === '1.20.xcpng8.3')).toMatchObject({
      name: 'xapi-core',
      arch: 'x86_64',
      version: { epoch: '0', ver: '24.19.2', rel: '1.20.xcpng8.3' },
    });
    expect((await primary('8.2.1')).packages.some((p) => p.version.rel === '1.20.xcpng8.3')).toBe(false);
  });

  it("should offer the published build to the hosts' yum, from the testing repository only", async () => {
    lab.packages.publish({ name: 'sm', version: '3.2.3-1.9.xcpng8.3' });
    const ssh = new SshPool();
    try {
      const host = lab.inventory.pools.find((p) => p.name === 'pool-830-b')!.hosts[0]!;
      const creds = lab.inventory.credentials['sim-root'] as { key_file: string };
      const runner = ssh.runner({
        name: host.name,
        address: host.address,
        port: host.port,
        username: 'root',
        credential: { keyFile: creds.key_file },
        stopRemote: 'channel',
      });
      expect((await runner.exec('yum update sm -y')).stdout).toContain('No packages marked for update');
      const r = await runner.exec('yum update sm --enablerepo=xcp-ng-testing -y');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('sm.x86_64 0:3.2.3-1.9.xcpng8.3');
      expect((await runner.exec("rpm -q --qf '%{VERSION}-%{RELEASE}' sm")).stdout).toBe('3.2.3-1.9.xcpng8.3');
    } finally {
      await ssh.close();
    }
  });

  it('should refuse a name or version that is not an RPM one, and unknown routes, with a 4xx', async () => {
    const post = (body: unknown) =>
      fetch(`${url}/packages`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const bad = await post({ name: 'x; rm -rf /', version: '1-1' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/is not an RPM name/);
    expect((await post({ name: 'sm', version: '--enablerepo=*' })).status).toBe(400);
    expect((await post({ name: 'sm', version: '1-1', repo: 'elsewhere' })).status).toBe(400);
    expect((await fetch(`${url}/repos/xcp-ng-testing/9.9.9/repodata/repomd.xml`)).status).toBe(404);
    const cli = await runCli(['lab', 'publish', 'sm', '1-1', '--control', 'http://10.0.0.1:80']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/must be http:\/\/127\.x\.y\.z:PORT/);
  });
});
