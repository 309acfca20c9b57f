import { CommandRunner, ExecResult } from 'src/remote/exec-result';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';

const DATA_FILE = '/var/tmp/shakedown-data.bin';

function sha(result: ExecResult, what: string): string {
  const m = /\b([0-9a-f]{64})\b/.exec(result.stdout);
  if (result.exitCode !== 0 || !m?.[1]) {
    throw new ScenarioError(
      `${what}: exit ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(0, 300)}`,
      ScenarioErrorCode.CheckFailed,
    );
  }
  return m[1];
}

/** Writes random data in the guest and returns its sha256, to prove later that it survived. */
export async function writeData(guest: CommandRunner, mib = 8, path = DATA_FILE): Promise<string> {
  const r = await guest.exec(`dd if=/dev/urandom of=${path} bs=1M count=${mib} && sync && sha256sum ${path}`, {
    timeoutMs: 300_000,
  });
  return sha(r, `writing ${mib} MiB of test data in guest ${guest.hostName}`);
}

export async function verifyData(
  guest: CommandRunner,
  expected: string,
  when: string,
  path = DATA_FILE,
): Promise<void> {
  const actual = sha(
    await guest.exec(`sha256sum ${path}`, { timeoutMs: 300_000 }),
    `reading the test data in guest ${guest.hostName} ${when}`,
  );
  if (actual !== expected) {
    throw new ScenarioError(
      `data written in guest ${guest.hostName} changed ${when}: sha256 ${actual}, expected ${expected}`,
      ScenarioErrorCode.DataMismatch,
      { expected, actual },
    );
  }
}

/** Seconds since the guest booted: /proc/uptime, else the `uptime` line (minute resolution). */
export async function uptime(guest: CommandRunner): Promise<number> {
  const r = await guest.exec('cat /proc/uptime', { timeoutMs: 30_000 });
  const value = Number(r.stdout.trim().split(/\s+/)[0]);
  if (r.exitCode === 0 && Number.isFinite(value)) return value;
  const u = await guest.exec('uptime', { timeoutMs: 30_000 });
  const m = /up\s+(?:(\d+) days?,\s*)?(?:(\d+):(\d+)|(\d+) min)/.exec(u.stdout);
  if (u.exitCode !== 0 || !m) {
    throw new ScenarioError(
      `guest ${guest.hostName}: neither /proc/uptime nor uptime is readable (exit ${u.exitCode})`,
      ScenarioErrorCode.CheckFailed,
    );
  }
  const days = Number(m[1] ?? 0);
  const minutes = m[4] !== undefined ? Number(m[4]) : Number(m[2]) * 60 + Number(m[3]);
  return days * 86400 + minutes * 60;
}
