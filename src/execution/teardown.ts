import { CommandRunner } from 'src/remote/exec-result';
import { shellQuote } from 'src/remote/shell-quote';

export interface CreatedObject {
  id: string;
  hostName: string;
  kind: string;
  ref: string;
  label: string | null;
}

interface TeardownReport {
  removed: number;
  failed: Array<{ object: CreatedObject; error: string }>;
}

// xe answers these when the object is already gone: teardown's goal is reached either way.
const ALREADY_GONE = /UUID_INVALID|HANDLE_INVALID|The uuid you supplied was invalid|No such file/i;

function commandsFor(o: CreatedObject): string[] {
  const ref = shellQuote(o.ref);
  switch (o.kind) {
    case 'vm':
      // A running VM cannot be uninstalled: force it off first (an error here means it was not running).
      return [`xe vm-shutdown uuid=${ref} --force`, `xe vm-uninstall uuid=${ref} force=true`];
    case 'vdi':
      return [`xe vdi-destroy uuid=${ref}`];
    case 'file':
      return [`rm -rf -- ${ref}`];
    default:
      return [];
  }
}

/**
 * Removes what a case created, newest first, whatever state the case ended in. Each object is tried
 * on its own: one failure does not keep the others on the host. Runs after failures, timeouts,
 * cancellations, and (from the reaper) after the crash of the worker that created them.
 */
export async function tearDown(
  objects: CreatedObject[],
  runnerFor: (hostName: string) => CommandRunner | null,
  markRemoved: (id: string, error: string | null) => Promise<void>,
  options: { timeoutMs?: number } = {},
): Promise<TeardownReport> {
  const report: TeardownReport = { removed: 0, failed: [] };
  for (const o of objects) {
    const runner = runnerFor(o.hostName);
    const commands = commandsFor(o);
    if (!runner || !commands.length) {
      const error = !runner ? `host ${o.hostName} is not in the lab any more` : `no automatic removal for a ${o.kind}`;
      report.failed.push({ object: o, error });
      await markRemoved(o.id, error);
      continue;
    }
    let error: string | null = null;
    for (const [i, command] of commands.entries()) {
      const last = i === commands.length - 1;
      try {
        const r = await runner.exec(command, { timeoutMs: options.timeoutMs ?? 120_000 });
        const text = `${r.stderr}\n${r.stdout}`;
        if (last && r.exitCode !== 0 && !ALREADY_GONE.test(text)) {
          error = `${command}: exit ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}`;
        }
      } catch (err) {
        if (last) error = `${command}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    await markRemoved(o.id, error);
    if (error) report.failed.push({ object: o, error });
    else report.removed++;
  }
  return report;
}
