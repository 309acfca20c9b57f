import { parseInventory } from 'src/lab/inventory.loader';
import { LabError, LabErrorCode } from 'src/lab/lab.errors';

const FP = 'SHA256:' + 'q'.repeat(43);
const GOOD = `name: sim-default
simulated: true
control_url: http://127.0.0.1:4100
credentials:
  sim-root: { key_file: /abs/.shakedown/sim/client_ed25519 }
  pw: { password_env: XCP_PASSWORD }
guest_credential: sim-root
guest_port: 0
pools:
  - name: pool-821
    master: sim-821-a
    tags: [simulated]
    hosts:
      - name: sim-821-a
        address: 127.10.1.1
        port: 22
        user: root
        credential: sim-root
        host_key: "${FP}"
        version: 8.2.1
        tags: [simulated, sr:ext, sr:nfs]
      - name: sim-821-b
        address: 127.10.1.2
        credential: pw
`;

function errorsOf(text: string): string[] {
  try {
    parseInventory(text, 'lab.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe(LabErrorCode.InventoryInvalid);
    return (err as LabError).details.errors as string[];
  }
  throw new Error('expected the inventory to be rejected');
}

describe(parseInventory.name, () => {
  it('loads the contract format with defaults', () => {
    const inv = parseInventory(GOOD, 'lab.yaml');
    expect(inv).toMatchObject({
      name: 'sim-default',
      simulated: true,
      controlUrl: 'http://127.0.0.1:4100',
      credentials: {
        'sim-root': { keyFile: '/abs/.shakedown/sim/client_ed25519' },
        pw: { passwordEnv: 'XCP_PASSWORD' },
      },
      guestCredential: 'sim-root',
      guestPort: 0,
    });
    expect(inv.pools[0]!.hosts).toEqual([
      {
        name: 'sim-821-a',
        address: '127.10.1.1',
        port: 22,
        user: 'root',
        credential: 'sim-root',
        hostKey: FP,
        version: '8.2.1',
        tags: ['simulated', 'sr:ext', 'sr:nfs'],
      },
      { name: 'sim-821-b', address: '127.10.1.2', port: 22, user: 'root', credential: 'pw', tags: [] },
    ]);
  });

  it('loads the JSON line `shakedown lab up` prints', () => {
    const json = JSON.stringify({
      name: 'sim',
      simulated: true,
      credentials: { k: { agent: true } },
      pools: [{ name: 'p', master: 'h', hosts: [{ name: 'h', address: '127.10.1.1', credential: 'k' }] }],
    });
    expect(parseInventory(json).pools[0]!.master).toBe('h');
  });

  it('rejects unknown keys at their line and column', () => {
    expect(errorsOf(GOOD.replace('        port: 22\n', '        prot: 22\n'))).toEqual([
      'lab.yaml:16:9: pool-821: hosts[0]: unknown key "prot" (allowed: name, address, port, user, credential, host_key, version, tags)'.replace(
        'pool-821: hosts[0]',
        'pool pool-821: hosts[0]',
      ),
    ]);
  });

  it('reports every bad field, each with its position', () => {
    const errors = errorsOf(
      GOOD.replace('port: 22', 'port: 70000')
        .replace(`"${FP}"`, 'md5:aa:bb')
        .replace('version: 8.2.1', 'version: latest')
        .replace('credential: pw', 'credential: nope')
        .replace('master: sim-821-a', 'master: sim-999'),
    );
    expect(errors).toEqual([
      'lab.yaml:11:13: pool pool-821: master "sim-999" is not one of its hosts (sim-821-a, sim-821-b)',
      'lab.yaml:16:15: host sim-821-a: "port" must be an integer port from 1 to 65535',
      'lab.yaml:19:19: host sim-821-a: "host_key" must be an OpenSSH fingerprint "SHA256:" + 43 base64 characters, got "md5:aa:bb"',
      'lab.yaml:20:18: host sim-821-a: "version" must look like 8.2.1, got "latest"',
      'lab.yaml:22:9: host sim-821-b: credential "nope" is not one of credentials (sim-root, pw)',
    ]);
  });

  it('refuses inline secrets and ambiguous credentials', () => {
    const errors = errorsOf(
      GOOD.replace('{ password_env: XCP_PASSWORD }', '{ password: hunter2 }').replace(
        '{ key_file: /abs/.shakedown/sim/client_ed25519 }',
        '{ key_file: relative/key, password_env: X }',
      ),
    );
    expect(errors.join('\n')).toContain(
      'credentials.sim-root: give exactly one of key_file, password_env, password_file, agent',
    );
    expect(errors.join('\n')).toContain('credentials.pw: inline passwords are not allowed');
    expect(errors.join('\n')).not.toContain('hunter2');
  });

  it('reports missing required fields and YAML syntax errors with positions', () => {
    expect(errorsOf('name: x\ncredentials: {}\n')).toEqual(['lab.yaml:1:1: the inventory: "pools" is required']);
    expect(errorsOf('name: [unclosed\n')[0]).toMatch(/^lab\.yaml:\d+:\d+: /);
    expect(errorsOf(GOOD.replace('      - name: sim-821-b\n', '      - name: sim-821-a\n'))).toEqual([
      'lab.yaml:22:9: host sim-821-a: name already used in pool pool-821',
    ]);
  });

  it("reads a pool's xapi_credential and accepts only a password reference there", () => {
    const withXapi = (name: string): string =>
      GOOD.replace(
        '    tags: [simulated]\n    hosts:',
        `    tags: [simulated]\n    xapi_credential: ${name}\n    hosts:`,
      );
    expect(parseInventory(withXapi('pw'), 'lab.yaml').pools[0]!.xapiCredential).toBe('pw');
    expect(parseInventory(GOOD, 'lab.yaml').pools[0]!.xapiCredential).toBeUndefined();
    expect(errorsOf(withXapi('sim-root'))).toEqual([
      'lab.yaml:13:22: pool pool-821: xapi_credential "sim-root" must be a password reference (password_env or password_file)',
    ]);
    expect(errorsOf(withXapi('nope'))).toEqual([
      'lab.yaml:13:22: pool pool-821: xapi_credential "nope" is not one of credentials (sim-root, pw)',
    ]);
  });
});
