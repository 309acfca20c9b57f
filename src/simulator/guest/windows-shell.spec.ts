import { blankVm } from 'src/simulator/config/build-lab';
import { runWindowsCommand } from 'src/simulator/guest/windows-shell';
import { LabModel } from 'src/simulator/model/lab-model';

/** As OpenSSH's cmd.exe receives it from Shakedown's Windows layer (src/remote/windows/powershell.ts). */
const ps = (script: string): string =>
  `powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${Buffer.from(
    `$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'\n${script}`,
    'utf16le',
  ).toString('base64')}`;

describe(runWindowsCommand.name, () => {
  const vm = blankVm('00000000-0000-0000-0000-00000000000w', 'win', 'pool', 0, {
    image: 'hvm-windows',
    tools: { version: '9.3.3-1' },
  });
  const model = {} as LabModel;
  const run = (command: string) => {
    const out = { stdout: '', stderr: '' };
    const code = runWindowsCommand(command, vm, model, {
      stdout: (c) => (out.stdout += c),
      stderr: (c) => (out.stderr += c),
    });
    return { code, ...out };
  };

  it('answers as cmd.exe to a command line that is not PowerShell, and fails scripts it does not know', () => {
    expect(run('true')).toEqual({
      code: 1,
      stdout: '',
      stderr: "'true' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
    });
    expect(run(ps('Remove-Item -Recurse C:\\'))).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("The term 'Remove-Item' is not recognized"),
    });
    expect(run(ps('exit 0')).code).toBe(0);
  });

  it('keeps written test data and hashes it; a missing file is an error', () => {
    const written = run(
      ps(
        "$f = [System.IO.File]::Create('C:\\shakedown\\d.bin')\ntry { for ($i = 0; $i -lt 1; $i++) { } } finally { $f.Close() }",
      ),
    );
    expect(written.code).toBe(0);
    const hash = "(Get-FileHash -Algorithm SHA256 -LiteralPath 'C:\\Shakedown\\D.bin').Hash.ToLowerInvariant()";
    expect(run(ps(hash)).stdout).toBe(written.stdout);
    expect(written.stdout).toMatch(/^[0-9a-f]{64}\r\n$/);
    expect(run(ps(hash.replace('D.bin', 'other.bin')))).toMatchObject({
      code: 1,
      stderr: "Get-FileHash : Cannot find path 'C:\\Shakedown\\other.bin' because it does not exist.\r\n",
    });
  });

  it('reports the PV tools from the uninstall registry as ConvertTo-Json does for one object', () => {
    const r = run(
      ps("@(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*') | ConvertTo-Json"),
    );
    expect(JSON.parse(r.stdout)).toEqual({ DisplayName: 'XCP-ng Windows PV Drivers', DisplayVersion: '9.3.3-1' });
  });
});
