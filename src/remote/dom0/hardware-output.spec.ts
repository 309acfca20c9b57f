import {
  parseEthtoolI,
  parseLscpu,
  parseLspciK,
  parseMeminfo,
  parseProductName,
  physicalNicNames,
  storageControllers,
} from 'src/remote/dom0/hardware-output';

describe('hardware profile parsers', () => {
  it('reads lscpu and /proc/meminfo', () => {
    const lscpu = [
      'Architecture:            x86_64',
      'CPU(s):                  32',
      'Thread(s) per core:      2',
      'Core(s) per socket:      8',
      'Socket(s):               2',
      'Vendor ID:               GenuineIntel',
      'Model name:              Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz',
    ].join('\n');
    expect(parseLscpu(lscpu)).toEqual({
      cpuModel: 'Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz',
      cpuCount: 32,
      sockets: 2,
      coresPerSocket: 8,
      threadsPerCore: 2,
    });
    expect(parseLscpu('garbage')).toEqual({});
    expect(parseMeminfo('MemTotal:       16303916 kB\nMemFree:         1 kB\n')).toBe(16303916 * 1024);
    expect(parseMeminfo('')).toBeUndefined();
  });

  it('ignores dmidecode placeholders', () => {
    expect(parseProductName('PowerEdge R630\n')).toBe('PowerEdge R630');
    expect(parseProductName('To Be Filled By O.E.M.\n')).toBeUndefined();
    expect(parseProductName('# SMBIOS entry point not found\n')).toBeUndefined();
  });

  it('finds storage controllers and their drivers in lspci -k', () => {
    const lspci = [
      '00:1f.2 SATA controller: Intel Corporation C610/X99 series chipset 6-Port SATA Controller [AHCI mode] (rev 05)',
      '\tSubsystem: Dell C610/X99 series chipset 6-Port SATA Controller [AHCI mode]',
      '\tKernel driver in use: ahci',
      '\tKernel modules: ahci',
      '01:00.0 Ethernet controller: Intel Corporation 82599ES 10-Gigabit SFI/SFP+ Network Connection (rev 01)',
      '\tKernel driver in use: ixgbe',
      '03:00.0 RAID bus controller: Broadcom / LSI MegaRAID SAS-3 3108 [Invader] (rev 02)',
      '\tKernel driver in use: megaraid_sas',
      '04:00.0 Non-Volatile memory controller: Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981',
    ].join('\n');
    expect(storageControllers(parseLspciK(lspci))).toEqual([
      {
        pciSlot: '00:1f.2',
        description: 'Intel Corporation C610/X99 series chipset 6-Port SATA Controller [AHCI mode] (rev 05)',
        driver: 'ahci',
      },
      {
        pciSlot: '03:00.0',
        description: 'Broadcom / LSI MegaRAID SAS-3 3108 [Invader] (rev 02)',
        driver: 'megaraid_sas',
      },
      { pciSlot: '04:00.0', description: 'Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981' },
    ]);
  });

  it('reads ethtool -i and keeps only physical NIC names', () => {
    const text =
      'driver: ixgbe\nversion: 5.1.0-k\nfirmware-version: 0x800003df\nbus-info: 0000:01:00.0\nsupports-statistics: yes\n';
    expect(parseEthtoolI('eth0', text)).toEqual({
      name: 'eth0',
      driver: 'ixgbe',
      driverVersion: '5.1.0-k',
      firmwareVersion: '0x800003df',
      pciSlot: '0000:01:00.0',
    });
    expect(parseEthtoolI('eth1', 'driver: e1000\nfirmware-version: N/A\n')).toEqual({ name: 'eth1', driver: 'e1000' });
    expect(physicalNicNames('eth0  eth1\nlo xenbr0 xapi0 vif1.0 eth0.100 enp3s0\n')).toEqual([
      'eth0',
      'eth1',
      'enp3s0',
    ]);
  });
});
