import { expandMatrix } from 'src/matrix/expand';
import { MatrixError, MatrixErrorCode } from 'src/matrix/matrix.errors';
import type { MatrixSpec } from 'src/matrix/matrix.types';

const params = (spec: MatrixSpec) => expandMatrix(spec).combinations.map((c) => c.params);

describe('expandMatrix: GitHub Actions semantics', () => {
  it('gives the 6 jobs of the documented fruit/animal example', () => {
    const result = expandMatrix({
      axes: { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] },
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    });
    expect(result.combinations.map((c) => c.params)).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
    expect(result.combinations.map((c) => c.origin)).toEqual(['base', 'base', 'base', 'base', 'include', 'include']);
    expect(result).toMatchObject({ full: 4, valid: 4, selected: 6 });
  });

  it('builds the product in declared order, first axis slowest', () => {
    expect(params({ axes: { os: ['a', 'b'], v: [1, 2, 3] } })).toEqual([
      { os: 'a', v: 1 },
      { os: 'a', v: 2 },
      { os: 'a', v: 3 },
      { os: 'b', v: 1 },
      { os: 'b', v: 2 },
      { os: 'b', v: 3 },
    ]);
  });

  it('excludes partial combinations before includes run', () => {
    const result = params({
      axes: { os: ['linux', 'windows'], version: [12, 14, 16], env: ['prod', 'test'] },
      exclude: [
        { os: 'windows', version: 16 },
        { os: 'linux', version: 12, env: 'test' },
      ],
      include: [{ os: 'windows', version: 16, env: 'prod', extra: true }],
    });
    expect(result).toHaveLength(12 - 2 - 1 + 1);
    expect(result).not.toContainEqual({ os: 'linux', version: 12, env: 'test' });
    // An exclude cannot remove what include adds: windows/16 comes back as a job of its own.
    expect(result[result.length - 1]).toEqual({ os: 'windows', version: 16, env: 'prod', extra: true });
  });

  it('refuses an exclude key that is not a matrix key, with GitHub Actions wording', () => {
    expect(() => expandMatrix({ axes: { os: ['a'] }, exclude: [{ arch: 'x' }] })).toThrow(
      new MatrixError("Matrix exclude key 'arch' does not match any key within the matrix", MatrixErrorCode.ExcludeKey),
    );
  });

  it('accepts an exclude that matches nothing (as GitHub Actions does) but warns', () => {
    const result = expandMatrix({ axes: { os: ['a', 'b'] }, exclude: [{ os: 'c' }] });
    expect(result.selected).toBe(2);
    expect(result.warnings).toEqual(['exclude[0]: os=c is not a value of the matrix, so this exclude removes nothing']);
  });

  it('lets a later include overwrite a value an earlier include added, never an original one', () => {
    expect(params({ axes: { os: ['a', 'b'] }, include: [{ node: 16 }, { node: 18 }, { os: 'a', node: 20 }] })).toEqual([
      { os: 'a', node: 20 },
      { os: 'b', node: 18 },
    ]);
  });

  it('makes one job per entry of an include-only matrix, and one empty case with nothing at all', () => {
    expect(params({ axes: {}, include: [{ a: 1 }, { a: 2 }] })).toEqual([{ a: 1 }, { a: 2 }]);
    expect(params({ axes: {} })).toEqual([{}]);
  });

  it('accepts object values and matches them whatever their key order', () => {
    const result = params({
      axes: {
        vm: [
          { os: 'linux', mem: 2 },
          { os: 'windows', mem: 4 },
        ],
        sr: ['nfs', 'ext'],
      },
      exclude: [{ vm: { mem: 4, os: 'windows' }, sr: 'ext' }],
      constraints: ['IF vm.os == linux THEN sr == nfs'],
    });
    expect(result).toEqual([
      { vm: { os: 'linux', mem: 2 }, sr: 'nfs' },
      { vm: { os: 'windows', mem: 4 }, sr: 'nfs' },
    ]);
  });
});

describe('expandMatrix: constraints, expectations, strategies', () => {
  const live: MatrixSpec = {
    axes: {
      vm_kind: ['pvhvm-linux', 'pv-linux', 'hvm-windows'],
      storage: ['shared', 'local-to-local', 'shared-to-local', 'local-to-shared'],
      scope: ['intra-pool', 'cross-pool', 'pool-upgrade', 'cross-pool-from-older'],
    },
    constraints: ['IF scope IN [cross-pool, cross-pool-from-older] THEN storage <> shared'],
  };

  it('keeps only combinations that satisfy every constraint', () => {
    const result = expandMatrix(live);
    expect(result).toMatchObject({ full: 48, valid: 42, selected: 42 });
    expect(result.combinations.some((c) => c.params.scope === 'cross-pool' && c.params.storage === 'shared')).toBe(
      false,
    );
  });

  it('attaches the first matching expectation to each combination', () => {
    const result = expandMatrix({
      ...live,
      expect: [
        {
          when: "scope == 'pool-upgrade' and vm_kind == pv-linux",
          outcome: 'fail',
          error: 'VM_LACKS_FEATURE',
          reason: 'test',
        },
        { when: 'scope == pool-upgrade', outcome: 'fail', error: 'NOT_SUPPORTED_DURING_UPGRADE' },
      ],
    });
    const find = (vm: string, scope: string) =>
      result.combinations.find(
        (c) => c.params.vm_kind === vm && c.params.scope === scope && c.params.storage === 'shared',
      )!;
    expect(find('pv-linux', 'pool-upgrade').expectation).toEqual({
      outcome: 'fail',
      error: 'VM_LACKS_FEATURE',
      reason: 'test',
    });
    expect(find('hvm-windows', 'pool-upgrade').expectation).toEqual({
      outcome: 'fail',
      error: 'NOT_SUPPORTED_DURING_UPGRADE',
    });
    expect(find('hvm-windows', 'intra-pool').expectation).toEqual({ outcome: 'pass' });
  });

  it('applies an expectation without `when` to every case (newer-to-older migration)', () => {
    const result = expandMatrix({
      axes: {},
      expect: [{ outcome: 'fail', error: 'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE' }],
    });
    expect(result.combinations).toEqual([
      { params: {}, origin: 'base', expectation: { outcome: 'fail', error: 'VM_HOST_INCOMPATIBLE_VERSION_MIGRATE' } },
    ]);
  });

  it('refuses an expectation on an unknown parameter', () => {
    expect(() => expandMatrix({ ...live, expect: [{ when: 'scpoe == x', outcome: 'fail' }] })).toThrow(
      expect.objectContaining({ code: MatrixErrorCode.UnknownParameter, where: 'expect[0]' }),
    );
  });

  it('reduces pairwise with seed rows present and full pair coverage, reproducibly', () => {
    const spec: MatrixSpec = {
      ...live,
      axes: { ...live.axes, size: ['tiny', 'large'], load: ['idle', 'cpu', 'memory', 'io'] },
      strategy: 'pairwise',
      seed: 7,
      seed_rows: [
        { scope: 'pool-upgrade', vm_kind: 'pv-linux' },
        { scope: 'pool-upgrade', vm_kind: 'hvm-windows', load: 'memory', size: 'large', storage: 'local-to-local' },
      ],
    };
    const a = expandMatrix(spec);
    expect(a.full).toBe(384);
    expect(a.selected).toBeLessThan(30);
    expect(a.coverage).toMatchObject({ strength: 2, ratio: 1 });
    expect(a.coverage.covered).toBe(a.coverage.required);
    expect(a.combinations[0]!.params).toMatchObject({ scope: 'pool-upgrade', vm_kind: 'pv-linux' });
    expect(a.combinations[1]!.params).toEqual({
      vm_kind: 'hvm-windows',
      storage: 'local-to-local',
      scope: 'pool-upgrade',
      size: 'large',
      load: 'memory',
    });
    expect(expandMatrix(spec).combinations).toEqual(a.combinations);
    expect(a.combinations.some((c) => c.params.scope === 'cross-pool' && c.params.storage === 'shared')).toBe(false);
  });

  it('refuses a seed row that breaks a constraint', () => {
    expect(() =>
      expandMatrix({ ...live, strategy: 'pairwise', seed_rows: [{ scope: 'cross-pool', storage: 'shared' }] }),
    ).toThrow(expect.objectContaining({ code: MatrixErrorCode.SeedRowInvalid, where: 'seed_rows[0]' }));
  });

  it('covers every triple with nwise: 3', () => {
    const result = expandMatrix({
      axes: { a: [1, 2, 3], b: [1, 2, 3], c: [1, 2], d: [1, 2, 3, 4] },
      strategy: { nwise: 3 },
    });
    expect(result.coverage).toMatchObject({ strength: 3, ratio: 1 });
    expect(result.selected).toBeLessThan(72);
    expect(result.selected).toBeGreaterThanOrEqual(36);
  });

  it('refuses duplicate and empty axes', () => {
    expect(() => expandMatrix({ axes: { a: [1, '1'] } })).toThrow("axis 'a' lists 1 twice");
    expect(() => expandMatrix({ axes: { a: [] } })).toThrow("axis 'a' has no values");
  });
});
