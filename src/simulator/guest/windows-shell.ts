import { createHash, randomBytes } from 'node:crypto';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimVm } from 'src/simulator/model/types';

/**
 * What a simulated Windows guest answers over SSH: OpenSSH's default shell (cmd.exe) running
 * `powershell.exe … -EncodedCommand <base64 UTF-16LE>`. Not a PowerShell interpreter: the scripts
 * Shakedown's Windows layer sends (src/remote/windows) are recognised by their shape and answered
 * from the VM's state; anything else fails as PowerShell fails on an unknown command.
 */

interface Sink {
  stdout(chunk: string): void;
  stderr(chunk: string): void;
}

const ENCODED = /^powershell(?:\.exe)?\s.*-EncodedCommand\s+([A-Za-z0-9+/=]+)\s*$/i;
const LITERAL = "'((?:[^']|'')*)'";
const unquote = (s: string): string => s.replace(/''/g, "'");
/** Guest file names are kept case-folded, as NTFS compares them. */
const key = (path: string): string => `win:${path.toLowerCase()}`;
/** Largest test file the simulator keeps in memory. */
const MAX_MIB = 256;

let nextPid = 6000;

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf16le');
}

/** The load a detached `powershell -EncodedCommand` script puts on the guest, and for how long. */
function loadOf(script: string): { load: number; seconds: number } | null {
  const seconds = Number(/AddSeconds\((\d+)\)|Start-Sleep -Seconds (\d+)/.exec(script)?.slice(1).find(Boolean));
  if (!Number.isFinite(seconds)) return null;
  // Every logical CPU busy, as `stress --cpu N` with N ≥ vCPUs.
  if (/Start-Job/.test(script)) return { load: 0.5, seconds };
  if (/ArrayList/.test(script)) return { load: 0.6, seconds };
  if (/io-load\.bin/.test(script)) return { load: 0.25, seconds };
  return null;
}

function notRecognised(term: string, sink: Sink): number {
  sink.stderr(
    `${term} : The term '${term}' is not recognized as the name of a cmdlet, function, script file, or operable program. (simulated)\r\n`,
  );
  return 1;
}

/** Runs one command line on a simulated Windows guest; returns the exit code. */
export function runWindowsCommand(command: string, vm: SimVm, model: LabModel, sink: Sink): number {
  const m = ENCODED.exec(command.trim());
  if (!m?.[1]) {
    const word = command.trim().split(/\s+/)[0] ?? '';
    sink.stderr(
      `'${word}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`,
    );
    return 1;
  }
  const script = decode(m[1]).replace(
    /^\$ErrorActionPreference = 'Stop'; \$ProgressPreference = 'SilentlyContinue'\n/,
    '',
  );
  return runScript(script.trim(), vm, model, sink);
}

function runScript(script: string, vm: SimVm, model: LabModel, sink: Sink): number {
  const files = vm.guest.files;
  if (script === 'exit 0' || script === '') return 0;

  const create = new RegExp(`\\[System\\.IO\\.File\\]::Create\\(${LITERAL}\\)`).exec(script);
  const count = /for \(\$i = 0; \$i -lt (\d+);/.exec(script);
  if (create?.[1] !== undefined && count?.[1]) {
    const mib = Number(count[1]);
    if (mib > MAX_MIB) {
      sink.stderr(`simulated guest: test files are kept in memory, at most ${MAX_MIB} MiB\r\n`);
      return 1;
    }
    const data = randomBytes(mib * 1024 * 1024);
    files.set(key(unquote(create[1])), data);
    sink.stdout(`${createHash('sha256').update(data).digest('hex')}\r\n`);
    return 0;
  }

  const hash = new RegExp(
    `^\\(Get-FileHash -Algorithm SHA256 -LiteralPath ${LITERAL}\\)\\.Hash\\.ToLowerInvariant\\(\\)$`,
  ).exec(script);
  if (hash?.[1] !== undefined) {
    const path = unquote(hash[1]);
    const data = files.get(key(path));
    if (!data) {
      sink.stderr(`Get-FileHash : Cannot find path '${path}' because it does not exist.\r\n`);
      return 1;
    }
    sink.stdout(`${createHash('sha256').update(data).digest('hex')}\r\n`);
    return 0;
  }

  const start = /^\(Start-Process -PassThru .*-EncodedCommand','([A-Za-z0-9+/=]+)'\)\.Id$/.exec(script);
  if (start?.[1]) {
    const load = loadOf(decode(start[1]));
    if (!load) return notRecognised('Start-Process', sink);
    nextPid += 4;
    const token = model.clock.now() + nextPid;
    vm.guest.load = Math.min(1, load.load);
    vm.guest.loadUntil = token;
    const pid = nextPid;
    // Detached, as Start-Process is: the load ends by itself after its duration, or with Stop-Process.
    setTimeout(() => {
      if (vm.guest.loadUntil === token) {
        vm.guest.load = 0;
        vm.guest.loadUntil = null;
      }
    }, model.clock.realMsFor(load.seconds)).unref();
    loadPids.set(pid, { vm: vm.uuid, token });
    sink.stdout(`${pid}\r\n`);
    return 0;
  }

  const stop = /Stop-Process -Id (\d+) -Force -ErrorAction SilentlyContinue$/.exec(script);
  if (stop?.[1] && /^Get-CimInstance Win32_Process -Filter 'ParentProcessId = \d+'/.test(script)) {
    const owned = loadPids.get(Number(stop[1]));
    if (owned && owned.vm === vm.uuid && vm.guest.loadUntil === owned.token) {
      vm.guest.load = 0;
      vm.guest.loadUntil = null;
    }
    loadPids.delete(Number(stop[1]));
    return 0;
  }

  if (/^@\(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\\*'/.test(script)) {
    if (vm.tools) {
      sink.stdout(
        `${JSON.stringify({ DisplayName: 'XCP-ng Windows PV Drivers', DisplayVersion: vm.tools.version })}\r\n`,
      );
    }
    return 0;
  }

  if (/^@\(Get-CimInstance Win32_PnPSignedDriver /.test(script)) {
    if (vm.tools) {
      const version = vm.tools.version.replace(/-/g, '.');
      const devices = ['XEN PV Bus', 'XEN PV Network Device', 'XEN PV Storage Host Adapter'];
      sink.stdout(`${JSON.stringify(devices.map((d) => ({ DeviceName: d, DriverVersion: version })))}\r\n`);
    }
    return 0;
  }

  return notRecognised(script.split(/[\s(;]/)[0] ?? script, sink);
}

/** Load processes started by Start-Process, by process id. */
const loadPids = new Map<number, { vm: string; token: number }>();
