import { parseNestedLab } from 'src/lab/provisioner/nested-lab.loader';
import { ProvisionerError } from 'src/lab/provisioner/provisioner.errors';

const GOOD = `name: nested-upgrade
parent: { inventory: ./parent.json, pool: pool-821, host: sim-821-a }
access: { credential: sim-root, password: sim-root-password }
images:
  "8.2.1": { path: /root/images/xcp-ng-8.2.1.xva }
timeouts: { boot: 30s }
pools:
  - name: n821
    hosts: 2
    version: 8.2.1
  - name: nmix
    hosts: 2
    version: 8.2.1
    shared_sr: { type: nfs, server: 127.0.0.1, path: /exports/nmix }
    vms:
      - { name: deb, template: "Debian Bullseye 11", origin: upgraded, host: 2 }
    upgrade: { to: 8.3.0, hosts: 1, iso: xcp-ng-8.3.0.iso }
`;

function errorsOf(text: string): string[] {
  try {
    parseNestedLab(text, '/labs/x.yaml');
  } catch (err) {
    if (err instanceof ProvisionerError) return err.details['errors'] as string[];
    throw err;
  }
  throw new Error('expected the lab file to be refused');
}

describe('nested lab file', () => {
  it('should read pools, images, the parent and an installer upgrade that leaves a pool mid-upgrade', () => {
    const lab = parseNestedLab(GOOD, '/labs/nested.yaml');
    expect(lab.parent).toEqual({ inventory: '/labs/parent.json', pool: 'pool-821', host: 'sim-821-a', sr: 'local' });
    expect(lab.images['8.2.1']).toEqual({ path: '/root/images/xcp-ng-8.2.1.xva' });
    expect(lab.timeouts.bootMs).toBe(30_000);
    expect(lab.pools.map((p) => [p.name, p.hosts, p.version])).toEqual([
      ['n821', 2, '8.2.1'],
      ['nmix', 2, '8.2.1'],
    ]);
    expect(lab.pools[1]!.upgrade).toEqual({ to: '8.3.0', method: 'installer', hosts: 1, iso: 'xcp-ng-8.3.0.iso' });
    expect(lab.pools[1]!.vms).toEqual([{ name: 'deb', template: 'Debian Bullseye 11', origin: 'upgraded', host: 2 }]);
    expect(lab.pools[1]!.sharedSr).toEqual({ name: 'NFS nmix', server: '127.0.0.1', path: '/exports/nmix' });
  });

  it('should report every problem at its file:line:col', () => {
    const bad = GOOD.replace(
      'hosts: 2\n    version: 8.2.1\n  - name: nmix',
      'hosts: 0\n    version: 9.9.9\n  - name: nmix',
    )
      .replace(
        'upgrade: { to: 8.3.0, hosts: 1, iso: xcp-ng-8.3.0.iso }',
        'upgrade: { to: 8.3.0, method: yum, hosts: 3 }',
      )
      .replace('origin: upgraded, host: 2', 'origin: ancient, host: 2')
      .replace('timeouts: { boot: 30s }', 'timeouts: { boot: soon }');
    const errors = errorsOf(bad);
    expect(errors).toEqual(
      expect.arrayContaining([
        '/labs/x.yaml:6:19: timeouts: boot must be a duration such as 90s, 10m or 1h',
        '/labs/x.yaml:9:12: pool n821: hosts must be a whole number from 1 to 16',
        '/labs/x.yaml:10:14: pool n821: no image for version 9.9.9 (images: 8.2.1)',
        expect.stringMatching(/^\/labs\/x\.yaml:16:\d+: pool nmix: vms\[0\]: origin "ancient" must be one of/),
        expect.stringMatching(/^\/labs\/x\.yaml:17:\d+: pool nmix: upgrade: hosts must be a whole number from 1 to 2/),
        expect.stringMatching(/^\/labs\/x\.yaml:17:\d+: pool nmix: upgrade: yum update does not cross major releases/),
      ]),
    );
  });

  it('should refuse unknown keys and a missing parent', () => {
    const errors = errorsOf('name: x\naccess: { credential: a, password: b }\nimages: {}\npools: []\nextra: 1\n');
    expect(errors).toEqual([
      '/labs/x.yaml:5:1: lab file: unknown key "extra" (allowed: name, parent, access, images, installer, timeouts, keep_image, pools)',
      '/labs/x.yaml:1:1: lab file: "parent" is required',
    ]);
  });
});
