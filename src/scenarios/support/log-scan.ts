import { PoolHandle, ScenarioContext } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';
import { settingList, settingNumber } from 'src/scenarios/support/params';

const LOG_FILES = [
  '/var/log/xensource.log',
  '/var/log/SMlog',
  '/var/log/daemon.log',
  '/var/log/kern.log',
  '/var/log/xen/hypervisor.log',
];

/** Markers of trouble in dom0 logs (xe-cli reference §6: xapi, SM, kernel and Xen error forms). */
const TROUBLE: RegExp[] = [
  /\[error\|/,
  /\|backtrace\]/,
  /\bRaised /,
  /Server_error\(/,
  /INTERNAL_ERROR/,
  /failed with exception/,
  /\bcritical\b/i,
  /SR_BACKEND_FAILURE/,
  /\*\*\*\*\* .*EXCEPTION/,
  /Raising exception \[/,
  /FAILED in util\.pread/,
  /E X C E P T I O N/,
  /I\/O error/,
  /blk_update_request/,
  /EXT4-fs error/,
  /Call Trace/,
  /\bBUG:/,
  /Out of memory/,
  /not responding/,
  /\(XEN\) \*\*\*/,
  /\bPanic\b/i,
  /Domain\.Emu_manager_failure/,
];

/**
 * Common lines that look alarming but are routine: xapi logs every refused CLI call (a user error
 * such as a wrong power state) as "Converting exception … into a CLI response" and its backtrace.
 */
const COMMON: RegExp[] = [/Converting exception .* into a CLI response/, /\|cli\] /];

/** Folds a log line to its shape (no time, host, pid, uuid, number) so repeats count as one. */
function logSignature(line: string): string {
  return line
    .replace(/^\w{3}\s+\d+\s+\d\d:\d\d:\d\d\s+\S+\s+/, '')
    .replace(/^\[[^\]]*\d{4}[^\]]*\]\s*/, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/OpaqueRef:[\w-]+/g, 'OpaqueRef:<ref>')
    .replace(/\b[RD]:[0-9a-f]{12}\b/g, '<task>')
    .replace(/\b\d+(\.\d+)?\b/g, '<n>')
    .trim();
}

interface LogFinding {
  host: string;
  file: string;
  signature: string;
  count: number;
  example: string;
}

function findTrouble(lines: string[], ignore: RegExp[] = []): Map<string, { count: number; example: string }> {
  const found = new Map<string, { count: number; example: string }>();
  for (const line of lines) {
    if (!TROUBLE.some((re) => re.test(line))) continue;
    if (COMMON.some((re) => re.test(line)) || ignore.some((re) => re.test(line))) continue;
    const sig = logSignature(line);
    const entry = found.get(sig);
    if (entry) entry.count++;
    else found.set(sig, { count: 1, example: line });
  }
  return found;
}

/**
 * Reads the recent part of each dom0 log on every host (`with: { log_lines: N }`, default 3000)
 * and fails on uncommon errors or warnings, listing each distinct one once with its count; the whole
 * list is kept as an artifact. `with: { log_ignore: [regex…] }` adds known-harmless patterns.
 */
export async function scanLogs(ctx: ScenarioContext, pool: PoolHandle): Promise<void> {
  const lines = Math.max(100, Math.floor(settingNumber(ctx.settings, 'log_lines', 3000)));
  const ignore = settingList(ctx.settings, 'log_ignore').map((p) => new RegExp(p));
  const findings: LogFinding[] = [];
  for (const host of pool.hosts) {
    await ctx.step(
      `${host.name}: scan logs`,
      async () => {
        for (const file of LOG_FILES) {
          const r = await ctx
            .runner(host)
            .exec(`tail -n ${lines} ${file}`, { timeoutMs: 60_000, maxOutputBytes: 16 * 1024 * 1024 });
          if (r.exitCode !== 0) {
            ctx.log(`${host.name}: ${file} unreadable (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 200)}`);
            continue;
          }
          for (const [signature, v] of findTrouble(r.stdout.split('\n'), ignore)) {
            findings.push({ host: host.name, file, signature, count: v.count, example: v.example });
          }
        }
      },
      { phase: 'verify' },
    );
  }
  const total = findings.reduce((a, f) => a + f.count, 0);
  ctx.measure({ metric: 'logs.uncommon_lines', unit: 'lines', direction: 'lower', samples: [total] });
  if (!findings.length) return;
  const report = findings.map((f) => `${f.host} ${f.file} ×${f.count}: ${f.example}`).join('\n');
  await ctx.artifact('uncommon-log-lines.txt', `${report}\n`);
  const shown = findings
    .slice(0, 8)
    .map((f) => `${f.host} ${f.file.split('/').pop()} ×${f.count}: ${f.signature.slice(0, 160)}`);
  throw new ScenarioError(
    `${findings.length} kind(s) of uncommon log lines (${total} lines): ${shown.join(' | ')}${findings.length > 8 ? ' | …' : ''}`,
    ScenarioErrorCode.CheckFailed,
    { kinds: findings.length, lines: total },
  );
}
