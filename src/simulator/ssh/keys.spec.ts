import { utils } from 'ssh2';
import { fingerprint, generateEd25519 } from 'src/simulator/ssh/keys';

describe('generateEd25519', () => {
  // ssh2's own generator yields an unparsable pair about once in 200 draws: 1,500 draws meet some
  // (all but about 0.3% of the time), so a helper that handed them out would fail here.
  it('should only hand out pairs that ssh2 parses back, private and public', () => {
    const unparsable: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const pair = generateEd25519('sim');
      if (utils.parseKey(pair.private) instanceof Error || utils.parseKey(pair.public) instanceof Error) {
        unparsable.push(pair.public);
      }
    }
    expect(unparsable).toEqual([]);
  });

  it('should give an OpenSSH public key with its comment and a SHA256 fingerprint', () => {
    const pair = generateEd25519('host-a');
    expect(pair.public).toMatch(/^ssh-ed25519 \S+ host-a$/);
    expect(fingerprint(pair.public)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
