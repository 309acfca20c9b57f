import fc from 'fast-check';
import { caseHash, caseKey } from 'src/matrix/case-key';
import type { Params, Value } from 'src/matrix/matrix.types';

describe('caseKey', () => {
  it('is the scenario id followed by the sorted parameters', () => {
    const key = caseKey('migration.live', {
      vm_kind: 'pvhvm-linux',
      storage: 'shared',
      scope: 'intra-pool',
      size: 'tiny',
      load: 'idle',
    });
    expect(key).toBe('migration.live[load=idle,scope=intra-pool,size=tiny,storage=shared,vm_kind=pvhvm-linux]');
  });

  it('is the bare scenario id when there are no parameters', () => {
    expect(caseKey('basic.install-check', {})).toBe('basic.install-check');
  });

  it('canonicalises object values whatever their key order', () => {
    const a = caseKey('s', { vm: { os: 'linux', mem: 2, disks: [{ size: 1, sr: 'a' }] } });
    const b = caseKey('s', { vm: { disks: [{ sr: 'a', size: 1 }], mem: 2, os: 'linux' } });
    expect(a).toBe(b);
    expect(a).toBe('s[vm={"disks":[{"size":1,"sr":"a"}],"mem":2,"os":"linux"}]');
  });

  it('quotes string values that could be read as key syntax', () => {
    expect(caseKey('s', { a: 'x,y=z]' })).toBe('s[a="x,y=z]"]');
    expect(caseKey('s', { a: 'x,y' })).not.toBe(caseKey('s', { a: 'x', y: '' }));
  });

  const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), tie('v'), { maxKeys: 3 }),
    ),
  })).v;

  it('does not depend on parameter order (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 6 }),
        fc.integer(),
        (params, seed) => {
          const entries = Object.entries(params);
          const shuffled = [...entries].sort(
            (a, b) => ((a[0].charCodeAt(0) * 31 + seed) % 7) - ((b[0].charCodeAt(0) * 31 + seed) % 7),
          );
          const reordered: Params = Object.fromEntries(shuffled.reverse());
          expect(caseKey('sc', reordered)).toBe(caseKey('sc', params));
        },
      ),
    );
  });
});

describe('caseHash', () => {
  it('is the first 12 hex characters of sha256 of the key', () => {
    // sha256("basic.install-check") computed independently with sha256sum.
    expect(caseHash('basic.install-check')).toMatch(/^[0-9a-f]{12}$/);
    expect(caseHash('abc')).toBe('ba7816bf8f01');
  });
});
