import { CommandRunner, ExecOptions, ExecResult } from 'src/remote/exec-result';
import { decodePowershellCommand } from 'src/remote/windows/powershell';
import { WindowsGuest } from 'src/remote/windows/windows-guest';

/** A runner that answers each command with the next canned result and keeps what it was sent. */
function fakeRunner(...answers: Array<Partial<ExecResult>>) {
  const sent: Array<{ script: string; options: ExecOptions | undefined }> = [];
  const runner: CommandRunner = {
    hostName: 'vm:win',
    exec: (command, options) => {
      sent.push({ script: decodePowershellCommand(command), options });
      const a = answers.shift() ?? {};
      return Promise.resolve({
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 1,
        truncated: { stdout: false, stderr: false },
        ...a,
      });
    },
  };
  return { runner, sent };
}

const HASH = 'ab'.repeat(32);

describe(WindowsGuest.name, () => {
  it('writes test data and reads its checksum with the path as a literal, never stopping a POSIX process group', async () => {
    const { runner, sent } = fakeRunner({ stdout: `${HASH}\r\n` }, { stdout: `${HASH}\r\n` });
    const guest = new WindowsGuest(runner);
    expect(await guest.writeTestData('C:\\shakedown\\data.bin', 64)).toBe(HASH);
    expect(await guest.sha256('C:\\shakedown\\data.bin')).toBe(HASH);
    expect(sent[0]!.script).toContain("$f = [System.IO.File]::Create('C:\\shakedown\\data.bin')");
    expect(sent[0]!.script).toContain('$i -lt 64;');
    expect(sent[1]!.script).toBe(
      "(Get-FileHash -Algorithm SHA256 -LiteralPath 'C:\\shakedown\\data.bin').Hash.ToLowerInvariant()",
    );
    expect(sent[1]!.options).toMatchObject({
      killRemoteOnCancel: false,
      label: 'powershell: checksum C:\\shakedown\\data.bin',
    });
  });

  it('refuses paths and sizes outside the allow-list before anything is sent', async () => {
    const { runner, sent } = fakeRunner();
    const guest = new WindowsGuest(runner);
    await expect(guest.sha256("C:\\x'; Remove-Item C:\\ -Recurse; '")).rejects.toThrow('not an allowed Windows path');
    await expect(guest.writeTestData('C:\\d.bin', 0)).rejects.toThrow('from 1 to 65536');
    await expect(guest.startLoad('cpu', 1.5)).rejects.toThrow('load duration (s) must be a whole number');
    await expect(guest.stopLoad(-1)).rejects.toThrow('process id');
    expect(sent).toEqual([]);
  });

  it('names the operation and PowerShell’s message when a script fails, and refuses output that is not a hash', async () => {
    const { runner } = fakeRunner(
      { exitCode: 1, stderr: "Get-FileHash : Cannot find path 'C:\\nope.bin' because it does not exist." },
      { stdout: 'not a hash' },
    );
    const guest = new WindowsGuest(runner);
    await expect(guest.sha256('C:\\nope.bin')).rejects.toMatchObject({
      code: 'REMOTE_COMMAND_FAILED',
      message: expect.stringContaining(
        'vm:win: checksum C:\\nope.bin failed in PowerShell (exit 1): Get-FileHash : Cannot find path',
      ),
    });
    await expect(guest.sha256('C:\\x.bin')).rejects.toThrow('Get-FileHash printed no SHA-256');
  });

  it('starts a detached load, returns its pid, and stops it with its children', async () => {
    const { runner, sent } = fakeRunner({ stdout: '4242\r\n' }, {});
    const guest = new WindowsGuest(runner);
    expect(await guest.startLoad('cpu', 600)).toBe(4242);
    const inner = /'-EncodedCommand','([A-Za-z0-9+/=]+)'/.exec(sent[0]!.script)![1]!;
    const load = Buffer.from(inner, 'base64').toString('utf16le');
    expect(load).toContain('$end = (Get-Date).AddSeconds(600)');
    expect(load).toContain('[Environment]::ProcessorCount');
    await guest.stopLoad(4242);
    expect(sent[1]!.script).toContain("Get-CimInstance Win32_Process -Filter 'ParentProcessId = 4242'");
    expect(sent[1]!.script).toContain('Stop-Process -Id 4242 -Force');
  });

  it('reads tools and driver versions from one object, an array, or nothing', async () => {
    const { runner } = fakeRunner(
      { stdout: '{"DisplayName":"XCP-ng Windows PV Drivers","DisplayVersion":"9.1.100"}\r\n' },
      {
        stdout:
          '[{"DeviceName":"XCP-ng PV Network Device","DriverVersion":"9.1.0.100"},{"DeviceName":"XEN PV Bus","DriverVersion":"9.1.0.99"}]',
      },
      { stdout: '' },
    );
    const guest = new WindowsGuest(runner);
    expect(await guest.toolsVersions()).toEqual([{ name: 'XCP-ng Windows PV Drivers', version: '9.1.100' }]);
    expect(await guest.driverVersions()).toEqual([
      { name: 'XCP-ng PV Network Device', version: '9.1.0.100' },
      { name: 'XEN PV Bus', version: '9.1.0.99' },
    ]);
    expect(await guest.toolsVersions()).toEqual([]);
  });
});
