import { cpuFamily, hardwareClass } from 'src/lab/hardware-class';
import { validateHardwareProfile } from 'src/lab/hardware-profile';

describe(cpuFamily.name, () => {
  it.each([
    ['Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz', 'intel-xeon-e5-v4'],
    ['Intel(R) Xeon(R) CPU E5-2680 0 @ 2.70GHz', 'intel-xeon-e5'],
    ['Intel(R) Xeon(R) CPU E3-1230 v6 @ 3.50GHz', 'intel-xeon-e3-v6'],
    ['Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', 'intel-xeon-scalable-gen2'],
    ['Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz', 'intel-xeon-scalable-gen1'],
    ['Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz', 'intel-xeon-scalable-gen3'],
    ['Intel(R) Xeon(R) E-2236 CPU @ 3.40GHz', 'intel-xeon-e-22xx'],
    ['Intel(R) Xeon(R) CPU D-1541 @ 2.10GHz', 'intel-xeon-d-15xx'],
    ['Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', 'intel-core-gen8'],
    ['12th Gen Intel(R) Core(TM) i5-12400', 'intel-core-gen12'],
    ['AMD EPYC 7302 16-Core Processor', 'amd-epyc-7002'],
    ['AMD EPYC 7763 64-Core Processor', 'amd-epyc-7003'],
    ['AMD EPYC 9654 96-Core Processor', 'amd-epyc-9004'],
    ['AMD Ryzen 9 5950X 16-Core Processor', 'amd-ryzen-5000'],
    ['Neoverse-N1', 'neoverse-n1'],
  ])('%s → %s', (model, family) => {
    expect(cpuFamily(model)).toBe(family);
  });
});

describe(hardwareClass.name, () => {
  const base = {
    cpu: { model: 'Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz', sockets: 2, coresPerSocket: 10 },
    nics: [{ driver: 'ixgbe' }, { driver: 'ixgbe' }, { driver: 'igb' }],
    storageControllers: [{ driver: 'megaraid_sas', driverVersion: '07.714' }],
  };

  it('should join CPU family, the main NIC driver and the main storage driver', () => {
    expect(hardwareClass(base)).toBe('intel-xeon-e5-v4 / ixgbe / megaraid_sas');
  });

  it('should ignore driver versions and break ties alphabetically', () => {
    const other = {
      ...base,
      nics: [{ driver: 'igb' }, { driver: 'ixgbe' }],
      storageControllers: [{ driver: 'megaraid_sas', driverVersion: '9' }],
    };
    expect(hardwareClass(other)).toBe('intel-xeon-e5-v4 / igb / megaraid_sas');
  });

  it('should say none without devices and mark simulated systems', () => {
    expect(hardwareClass({ ...base, nics: [], storageControllers: [], simulated: true })).toBe(
      'simulated / intel-xeon-e5-v4 / none / none',
    );
  });
});

describe(validateHardwareProfile.name, () => {
  const profile = {
    server: { model: 'PowerEdge R630' },
    cpu: { model: 'Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz', sockets: 2, coresPerSocket: 10 },
    memoryBytes: 128 * 2 ** 30,
    nics: [{ driver: 'ixgbe', driverVersion: '5.9.4' }],
    storageControllers: [{ driver: 'megaraid_sas' }],
  };

  it('should accept a complete profile', () => {
    expect(validateHardwareProfile(profile)).toMatchObject({ ok: true });
  });

  it('should name the field path of each problem', () => {
    const res = validateHardwareProfile({ ...profile, nics: [{ driver: 42 }], cpu: { ...profile.cpu, sockets: 0 } });
    expect(res.ok).toBe(false);
    const paths = res.ok ? [] : res.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['hardware.nics[0].driver', 'hardware.cpu.sockets']));
    const nic = res.ok ? undefined : res.problems.find((p) => p.path === 'hardware.nics[0].driver');
    expect(nic?.message).toMatch(/expected string/);
  });

  it('should refuse unknown fields and control characters', () => {
    const res = validateHardwareProfile({ ...profile, surprise: 1, name: 'a\u0007b' });
    expect(res.ok ? [] : res.problems.map((p) => p.path).sort()).toEqual(['hardware', 'hardware.name']);
  });
});
