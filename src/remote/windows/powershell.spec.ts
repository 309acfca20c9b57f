import { decodePowershellCommand, powershellCommand, psLiteral, windowsPath } from 'src/remote/windows/powershell';

describe('PowerShell over OpenSSH on Windows', () => {
  it('sends the script base64-encoded (UTF-16LE), so cmd.exe sees only safe characters', () => {
    const script = `Write-Output 'a"b' & echo %PATH% ^| "x" ; $(whoami) \`n ü`;
    const line = powershellCommand(script);
    expect(line).toMatch(
      /^powershell\.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/]+=*$/,
    );
    expect(decodePowershellCommand(line)).toBe(script);
    // Every script stops on its first error and prints no progress records.
    const full = Buffer.from(line.split(' ').pop()!, 'base64').toString('utf16le');
    expect(full.startsWith("$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'\n")).toBe(true);
  });

  it('refuses a script cmd.exe could not take (8191 characters once encoded)', () => {
    expect(() => powershellCommand('x'.repeat(4000))).toThrow(/too long for cmd\.exe once encoded \(\d+ > 8191/);
    expect(() => powershellCommand('x'.repeat(2900))).not.toThrow();
  });

  it('makes single-quoted literals that expand nothing, typographic quotes included', () => {
    expect(psLiteral("it's $HOME")).toBe("'it''s $HOME'");
    expect(psLiteral('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(psLiteral('')).toBe("''");
    expect(() => psLiteral('a\0b')).toThrow('NUL');
  });

  it('lets through drive-absolute paths of plain names only', () => {
    expect(windowsPath('C:\\shakedown\\data.bin')).toBe('C:\\shakedown\\data.bin');
    expect(windowsPath('D:\\Test Data\\file_1.txt')).toBe('D:\\Test Data\\file_1.txt');
    for (const bad of [
      'data.bin',
      'C:data.bin',
      'C:\\..\\Windows\\x',
      '\\\\server\\share\\x',
      '\\\\?\\C:\\x',
      'C:\\a\\*.bin',
      "C:\\a'b",
      'C:\\a$b',
      'C:\\a\\b.',
      'C:/a/b',
      'C:\\a\nb',
      `C:\\${'a\\'.repeat(20)}b`,
    ]) {
      expect(() => windowsPath(bad)).toThrow('not an allowed Windows path');
    }
  });
});
