import { CommandRunner, ExecOptions, ExecResult } from 'src/remote/exec-result';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { powershellCommand, psLiteral, windowsPath } from 'src/remote/windows/powershell';

type WindowsLoad = 'cpu' | 'memory' | 'io';

interface InstalledProduct {
  name: string;
  version: string;
}

/** Display names of the PV tools as XCP-ng and its predecessors install them (uninstall registry keys). */
const TOOLS_NAMES = [
  'XCP-ng Windows PV Drivers*',
  'XCP-ng Windows Management Agent*',
  'XenServer VM Tools*',
  'Citrix*VM Tools*',
];
/** Devices the PV drivers provide (Win32_PnPSignedDriver.DeviceName). */
const DRIVER_DEVICES = 'XEN|XCP-ng';
const MAX_JSON_BYTES = 1024 * 1024;

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

function whole(value: number, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${what} must be a whole number from ${min} to ${max}, not ${value}`);
  }
  return value;
}

/** PowerShell 5.1's ConvertTo-Json prints one object bare, several as an array, none as nothing. */
function jsonRows(stdout: string, host: string): Array<Record<string, unknown>> {
  const text = stdout.trim();
  if (!text) return [];
  if (text.length > MAX_JSON_BYTES) throw new Error(`${host}: PowerShell printed over ${MAX_JSON_BYTES} bytes of JSON`);
  const parsed: unknown = JSON.parse(text);
  const rows = Array.isArray(parsed) ? parsed : [parsed];
  return rows.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
}

/**
 * A Windows guest reached through its OpenSSH server: each operation is one PowerShell script
 * (see powershell.ts for the quoting), and its values are literals or allow-listed paths. Cancelling
 * ends the SSH channel only: the POSIX process-group stop does not apply to a Windows shell, so the
 * load processes are detached and stopped by id with stopLoad.
 */
export class WindowsGuest {
  constructor(private readonly runner: CommandRunner) {}

  get hostName(): string {
    return this.runner.hostName;
  }

  /** Runs a script; a non-zero exit is an error naming the operation and PowerShell's message. */
  async run(what: string, script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.runner.exec(powershellCommand(script), {
      ...options,
      killRemoteOnCancel: false,
      label: options.label ?? `powershell: ${what}`,
    });
    if (r.exitCode !== 0) {
      throw new RemoteError(
        `${this.hostName}: ${what} failed in PowerShell (exit ${r.exitCode ?? 'none'}): ${(r.stderr || r.stdout).trim().slice(0, 400)}`,
        RemoteErrorCode.CommandFailed,
        this.hostName,
      );
    }
    return r;
  }

  /** Writes `mib` MiB of random data to `path` (folders made as needed); returns its SHA-256. */
  async writeTestData(path: string, mib: number, options?: ExecOptions): Promise<string> {
    const p = psLiteral(windowsPath(path));
    const n = whole(mib, 'test data size (MiB)', 1, 65_536);
    const script = [
      `New-Item -ItemType Directory -Force -Path (Split-Path -LiteralPath ${p}) | Out-Null`,
      '$rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()',
      '$buf = New-Object byte[] 1048576',
      `$f = [System.IO.File]::Create(${p})`,
      `try { for ($i = 0; $i -lt ${n}; $i++) { $rng.GetBytes($buf); $f.Write($buf, 0, $buf.Length) } } finally { $f.Close() }`,
      `(Get-FileHash -Algorithm SHA256 -LiteralPath ${p}).Hash.ToLowerInvariant()`,
    ].join('\n');
    return this.hash(await this.run(`write ${n} MiB to ${path}`, script, options));
  }

  /** The file's SHA-256, lower-case hex. */
  async sha256(path: string, options?: ExecOptions): Promise<string> {
    const p = psLiteral(windowsPath(path));
    return this.hash(
      await this.run(
        `checksum ${path}`,
        `(Get-FileHash -Algorithm SHA256 -LiteralPath ${p}).Hash.ToLowerInvariant()`,
        options,
      ),
    );
  }

  /**
   * Starts a detached load for `seconds` (every logical CPU busy; `mib` MiB of memory touched; a
   * file rewritten under C:\shakedown) and returns its process id for stopLoad.
   */
  async startLoad(
    kind: WindowsLoad,
    seconds: number,
    opts: { mib?: number } = {},
    options?: ExecOptions,
  ): Promise<number> {
    const s = whole(seconds, 'load duration (s)', 1, 86_400);
    const mib = whole(opts.mib ?? 1024, 'memory load (MiB)', 1, 262_144);
    const loads: Record<WindowsLoad, string> = {
      cpu: `$end = (Get-Date).AddSeconds(${s}); $jobs = 1..[Environment]::ProcessorCount | ForEach-Object { Start-Job -ScriptBlock { param($e) while ((Get-Date) -lt $e) { } } -ArgumentList $end }; $jobs | Wait-Job | Out-Null`,
      memory: `$blocks = New-Object System.Collections.ArrayList; for ($i = 0; $i -lt ${mib}; $i++) { $b = New-Object byte[] 1048576; for ($j = 0; $j -lt $b.Length; $j += 4096) { $b[$j] = 1 }; [void]$blocks.Add($b) }; Start-Sleep -Seconds ${s}`,
      io: `$end = (Get-Date).AddSeconds(${s}); $buf = New-Object byte[] 4194304; New-Item -ItemType Directory -Force -Path 'C:\\shakedown' | Out-Null; while ((Get-Date) -lt $end) { [System.IO.File]::WriteAllBytes('C:\\shakedown\\io-load.bin', $buf); [void][System.IO.File]::ReadAllBytes('C:\\shakedown\\io-load.bin') }`,
    };
    const inner = Buffer.from(loads[kind], 'utf16le').toString('base64');
    const script = `(Start-Process -PassThru -WindowStyle Hidden -FilePath powershell.exe -ArgumentList '-NoProfile','-NonInteractive','-EncodedCommand','${inner}').Id`;
    const r = await this.run(`start ${kind} load`, script, options);
    const pid = Number(r.stdout.trim());
    if (!Number.isInteger(pid) || pid <= 0) {
      throw new RemoteError(
        `${this.hostName}: start ${kind} load printed no process id`,
        RemoteErrorCode.CommandFailed,
        this.hostName,
      );
    }
    return pid;
  }

  /** Stops a load started by startLoad, its child processes (the CPU jobs) first. Idempotent. */
  async stopLoad(pid: number, options?: ExecOptions): Promise<void> {
    const id = whole(pid, 'process id', 1, 2 ** 31 - 1);
    await this.run(
      `stop load ${id}`,
      `Get-CimInstance Win32_Process -Filter 'ParentProcessId = ${id}' | ForEach-Object { Stop-Process -Id $_.ProcessId -Force -ErrorAction SilentlyContinue }; Stop-Process -Id ${id} -Force -ErrorAction SilentlyContinue`,
      options,
    );
  }

  /** The PV tools installed, as Windows' uninstall registry lists them. */
  async toolsVersions(options?: ExecOptions): Promise<InstalledProduct[]> {
    const like = TOOLS_NAMES.map((n) => `$_.DisplayName -like ${psLiteral(n)}`).join(' -or ');
    const r = await this.run(
      'read the guest tools version',
      `@(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*', 'HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*' -ErrorAction SilentlyContinue | Where-Object { ${like} } | Select-Object DisplayName, DisplayVersion) | ConvertTo-Json -Compress`,
      options,
    );
    return jsonRows(r.stdout, this.hostName).map((row) => ({
      name: text(row.DisplayName),
      version: text(row.DisplayVersion),
    }));
  }

  /** The PV drivers' devices and versions (Win32_PnPSignedDriver). */
  async driverVersions(options?: ExecOptions): Promise<InstalledProduct[]> {
    const r = await this.run(
      'read the PV driver versions',
      `@(Get-CimInstance Win32_PnPSignedDriver | Where-Object { $_.DeviceName -match ${psLiteral(DRIVER_DEVICES)} } | Select-Object DeviceName, DriverVersion) | ConvertTo-Json -Compress`,
      options,
    );
    return jsonRows(r.stdout, this.hostName).map((row) => ({
      name: text(row.DeviceName),
      version: text(row.DriverVersion),
    }));
  }

  /** Asks Windows for a clean shutdown in 5 s, so this command returns before the connection drops. */
  async shutdown(options?: ExecOptions): Promise<void> {
    await this.run('clean shutdown', 'shutdown.exe /s /t 5 /d p:4:1 /c "Shakedown"', options);
  }

  private hash(r: ExecResult): string {
    const hex = r.stdout.trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      throw new RemoteError(
        `${this.hostName}: Get-FileHash printed no SHA-256`,
        RemoteErrorCode.CommandFailed,
        this.hostName,
      );
    }
    return hex;
  }
}
