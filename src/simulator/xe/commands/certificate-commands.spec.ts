import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', '..', 'labs', 'default-lab.yaml');

/** Transcripts of certificates and TLS verification at both releases (pool certificates are 8.3's). */
describe('xe certificates and TLS verification', () => {
  let lab: XeHarness;
  beforeEach(() => {
    lab = XeHarness.fromFile(DEFAULT_LAB);
  });

  it('8.3: every host has a host and a host_internal certificate, and TLS verification is on', async () => {
    const a = lab.host('sim-830-a').uuid;
    expect(
      (await lab.xe('sim-830-a', 'host-param-get', `uuid=${a}`, 'param-name=tls-verification-enabled')).stdout,
    ).toBe('true\n');
    const pool = lab.host('sim-830-a').poolUuid;
    expect(
      (await lab.xe('sim-830-a', 'pool-param-get', `uuid=${pool}`, 'param-name=tls-verification-enabled')).stdout,
    ).toBe('true\n');
    const internal = (await lab.xe('sim-830-a', 'certificate-list', `host=${a}`, 'type=host_internal', '--minimal'))
      .stdout;
    expect(internal).toMatch(/^[0-9a-f-]{36}\n$/);
    const record = (await lab.xe('sim-830-a', 'certificate-list', `uuid=${internal.trim()}`, 'params=all')).stdout;
    expect(record.split('\n').map((l) => l.split(' (')[0]!.trim())).toEqual([
      'uuid',
      'type',
      'name',
      'host',
      'not-before',
      'not-after',
      'fingerprint',
      'fingerprint_sha256',
      'fingerprint_sha1',
      '',
      '',
      '',
    ]);
    expect(record).toContain('name ( RO): xapi:pool');
    expect((await lab.xe('sim-830-a', 'certificate-list', '--minimal')).stdout.trim().split(',')).toHaveLength(4);
  });

  it('8.3: host-refresh-server-certificate gives the host a new internal certificate and a new xapi-pool-tls.pem', async () => {
    const b = lab.host('sim-830-b');
    const before = (await lab.xe('sim-830-a', 'certificate-list', `host=${b.uuid}`, 'type=host_internal', '--minimal'))
      .stdout;
    expect(await lab.xe('sim-830-a', 'host-refresh-server-certificate', `host=${b.uuid}`)).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    const after = (await lab.xe('sim-830-a', 'certificate-list', `host=${b.uuid}`, 'type=host_internal', '--minimal'))
      .stdout;
    expect(after).not.toBe(before);
    const pem = readFileSync(lab.context('sim-830-a').hostPath(b, '/etc/xensource/xapi-pool-tls.pem'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pem).toContain(`certificate ${after.trim()} CN=xapi:pool`);
    expect((await lab.xe('sim-830-a', 'host-refresh-server-certificate')).stderr).toBe(
      "Required parameter not found: host\nFor usage run: 'xe help'\n",
    );
  });

  it('8.2.1: only host certificates, no TLS verification field, no refresh command', async () => {
    const a = lab.host('sim-821-a').uuid;
    expect((await lab.xe('sim-821-a', 'certificate-list', 'params=all')).stdout.split('\n')[1]).toMatch(
      /^ +host \( RO\): /,
    );
    expect((await lab.xe('sim-821-a', 'certificate-list', '--minimal')).stdout.trim().split(',')).toHaveLength(2);
    expect(
      (await lab.xe('sim-821-a', 'host-param-get', `uuid=${a}`, 'param-name=tls-verification-enabled')).stderr,
    ).toMatch(/tls-verification-enabled/);
    const refresh = await lab.xe('sim-821-a', 'host-refresh-server-certificate', `host=${a}`);
    expect(refresh).toMatchObject({ stdout: '', exitCode: 1 });
    expect(refresh.stderr).toMatch(/^Unknown command.*host-refresh-server-certificate/);
  });
});
