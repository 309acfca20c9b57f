import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { connect, TLSSocket } from 'node:tls';
import { SimulatedLab } from 'src/simulator/lab/simulated-lab';
import { openssh } from 'test/fixtures/simulator/openssh';
import { startTranscriptLab } from 'test/fixtures/simulator/transcript-lab-up';

/** Debian's curl, as xcp-ng-tests' file-server tests call it. */
function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-s', ...args], { timeout: 20000, encoding: 'utf8' }, (err, stdout) =>
      err ? reject(new Error(`curl ${args.join(' ')}: ${err.message}`)) : resolve(stdout),
    ),
  );
}

/** A TLS handshake at one protocol version: the negotiated cipher and certificate, or the refusal. */
function handshake(
  address: string,
  port: number,
  version: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
): Promise<{ cipher: string; cert: X509Certificate } | { error: string }> {
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host: address,
      port,
      minVersion: version,
      maxVersion: version,
      rejectUnauthorized: false,
      // OpenSSL refuses TLS 1.1 on the client side at its default level; lower it, as a probing client does.
      ciphers: version === 'TLSv1.1' ? 'DEFAULT@SECLEVEL=0' : undefined,
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      resolve({ cipher: socket.getCipher().name, cert: peer! });
      socket.end();
    });
    socket.once('error', (err) => resolve({ error: err.message }));
  });
}

describe("xapi's HTTP and HTTPS listeners on a simulated host", () => {
  let lab: SimulatedLab;
  let keyFile: string;
  let host: { name: string; address: string; port: number };
  let web: { http: number; https: number; netdata: number };
  const ssh = (command: string) => openssh(host.address, host.port, keyFile, command);

  beforeAll(async () => {
    ({ lab, keyFile, host } = await startTranscriptLab('sim-web-'));
    web = lab.xapiPorts(host.name);
  });

  afterAll(async () => {
    await lab.stop();
  });

  it('plain HTTP answers 301 towards the same host and path over HTTPS, as fileserver.ml does', async () => {
    const out = await curl(['-i', `http://${host.address}:${web.http}/path/to/dir/file.txt?q=1`]);
    const lines = out.split(/\r?\n/);
    expect(lines[0]).toBe('HTTP/1.1 301 Moved Permanently');
    expect(lines[1]).toBe('content-length: 0');
    expect(lines[2]).toBe(`location: https://${host.address}:${web.http}/path/to/dir/file.txt`);
  });

  it('HTTPS speaks TLS 1.2 only, with stunnel’s ciphers, and presents the certificate xe and xapi-ssl.pem show', async () => {
    const ok = await handshake(host.address, web.https, 'TLSv1.2');
    if (!('cert' in ok)) throw new Error(`TLS 1.2 refused: ${ok.error}`);
    expect(ok.cipher).toBe('ECDHE-RSA-AES256-GCM-SHA384');
    expect(ok.cert.subject).toContain(`CN=${host.name}`);
    expect(ok.cert.subjectAltName).toContain(`IP Address:${host.address}`);
    expect(await handshake(host.address, web.https, 'TLSv1.1')).toEqual({ error: expect.any(String) });
    expect(await handshake(host.address, web.https, 'TLSv1.3')).toEqual({ error: expect.any(String) });

    const listed = await ssh('xe certificate-list params=fingerprint --minimal');
    expect(listed.stdout.trim()).toBe(ok.cert.fingerprint256);
    const pem = await ssh('cat /etc/xensource/xapi-ssl.pem');
    expect(pem.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----BEGIN CERTIFICATE-----/);
    expect(new X509Certificate(pem.stdout.slice(pem.stdout.indexOf('-----BEGIN CERTIFICATE'))).fingerprint256).toBe(
      ok.cert.fingerprint256,
    );
  });

  it('serves its front page, marked simulated; a missing file is 404 and a climb out of the web root 403', async () => {
    const page = await curl(['-k', `https://${host.address}:${web.https}/`]);
    expect(page).toContain('simulated');
    expect(
      await curl(['-k', '-o', '/dev/null', '-w', '%{http_code}', `https://${host.address}:${web.https}/nope`]),
    ).toBe('404');
    const climb = await curl([
      '-k',
      '--path-as-is',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `https://${host.address}:${web.https}/../../etc/shadow`,
    ]);
    expect(climb).toBe('403');
  });

  it('sends HSTS only once hsts_max_age is set in xapi.conf.d and the toolstack restarted', async () => {
    const hsts = async (): Promise<string[]> =>
      (await curl(['-XGET', '-k', '-I', `https://${host.address}:${web.https}`]))
        .split(/\r?\n/)
        .filter((l) => l.toLowerCase().startsWith('strict-transport-security'));
    expect(await hsts()).toEqual([]);
    await ssh('echo "hsts_max_age = 63072000" > /etc/xapi.conf.d/00-hsts.conf');
    expect(await hsts()).toEqual([]); // xapi reads its configuration when it starts
    expect((await ssh('xe-toolstack-restart')).code).toBe(0);
    expect(await hsts()).toEqual(['strict-transport-security: max-age=63072000']);
    await ssh('rm -f /etc/xapi.conf.d/00-hsts.conf && xe-toolstack-restart');
    expect(await hsts()).toEqual([]);
  });

  it('netdata answers on its port only while it runs; netdata.conf only to the host itself; the dashboard with netdata-ui', async () => {
    const status = (url: string): Promise<string> =>
      new Promise((resolve) =>
        execFile('curl', ['-s', '-XGET', '-k', '-I', url], { timeout: 20000, encoding: 'utf8' }, (err, stdout) =>
          resolve(err ? `curl exit ${String(err.code)}` : (stdout.split(/\r?\n/)[0] ?? '')),
        ),
      );
    const base = `http://${host.address}:${web.netdata}`;
    expect(await status(base)).toMatch(/^curl exit (52|56)$/); // nothing answers
    const install = await ssh('yum install -y netdata-ui');
    expect(install.code).toBe(0);
    expect(install.stdout).toMatch(
      /\nInstalling:\n netdata-ui +noarch .*\nInstalling for dependencies:\n netdata +x86_64 /,
    );
    expect((await ssh('systemctl is-active netdata.service')).stdout).toBe('active\n');
    expect(await status(base)).toBe('HTTP/1.1 200 OK');
    expect(await status(`${base}/netdata.conf`)).toBe('HTTP/1.1 403 Forbidden');
    const local = await ssh(`curl -XGET -k -I -s localhost:${web.netdata}/netdata.conf`);
    expect(local.stdout.split(/\r?\n/)[0]).toBe('HTTP/1.1 200 OK');
    expect((await ssh('yum remove -y netdata-ui netdata')).code).toBe(0);
    expect(await status(base)).toMatch(/^curl exit (52|56)$/);
  });
});
