import { installCommand, parseProbe, probeCommand } from 'src/remote/package-install';

describe('guest software commands', () => {
  it('installs with each package manager, never interactive', () => {
    expect(installCommand('dnf', ['fio', 'iperf3'])).toBe('dnf install -y -q fio iperf3');
    expect(installCommand('apk', ['stress'])).toBe('apk add -q stress');
    expect(installCommand('apt-get', ['fio'])).toMatch(
      /^DEBIAN_FRONTEND=noninteractive apt-get install -y -q fio \|\| /,
    );
  });

  it('refuses anything but a package name (allow-list)', () => {
    for (const bad of ['fio; reboot', '-o', '', 'a b', '$(id)', 'x'.repeat(65)]) {
      expect(() => installCommand('yum', [bad])).toThrow('not a package name');
      expect(() => probeCommand([bad])).toThrow('not a program name');
    }
  });

  it('reads what is missing and which package manager answered', () => {
    expect(parseProbe('manager:apt-get\nmissing:fio\navailable:fio\nmissing:iperf3\nmachine:x86_64\n')).toEqual({
      missing: ['fio', 'iperf3'],
      available: ['fio'],
      manager: 'apt-get',
      machine: 'x86_64',
    });
    expect(parseProbe('machine:\n')).toEqual({ missing: [], available: [], manager: null, machine: null });
    expect(parseProbe('manager:pacman\n')).toEqual({ missing: [], available: [], manager: null, machine: null });
  });
});
