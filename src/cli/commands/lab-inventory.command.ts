import { Command } from 'commander';
import { withDatabase } from 'src/cli/cli-database';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { HostHealth, HostHealthService } from 'src/lab/host-health.service';
import { HostKeyPinView, PgHostKeyStore } from 'src/lab/host-key.repository';
import { loadInventoryFile } from 'src/lab/inventory.loader';
import { LabError } from 'src/lab/lab.errors';
import { LabInventory } from 'src/lab/lab-inventory';
import { SshPool } from 'src/remote/ssh-pool';

export async function loadLab(file: string): Promise<LabInventory> {
  try {
    return new LabInventory(await loadInventoryFile(file));
  } catch (err) {
    // The loader's message already lists every problem as file:line:col: message.
    if (err instanceof LabError) throw new CliError(err.message, ExitCode.Usage);
    throw err;
  }
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`not a positive integer: ${value}`, ExitCode.Usage);
  return n;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** A host's pin in one cell: the fingerprint and where it came from, or the key it offers instead. */
function describePin(pin: HostKeyPinView | undefined): string {
  if (!pin) return 'not stored (lab not imported)';
  if (pin.offered) {
    return `CHANGED: pinned ${pin.fingerprint}, offered ${pin.offered} (shakedown lab trust ${pin.host})`;
  }
  if (!pin.fingerprint) return 'not pinned yet';
  const by = pin.pinnedBy ? ` by ${pin.pinnedBy}` : '';
  return `${pin.fingerprint} (${pin.source}${by})`;
}

function renderHealth(lab: LabInventory, results: readonly HostHealth[], pins: readonly HostKeyPinView[] = []): string {
  const rows = [['host', 'pool', 'kind', 'state', 'version', 'build', 'host key', 'problems']];
  for (const h of results) {
    const { host, pool } = lab.host(h.host);
    rows.push([
      h.host,
      h.pool,
      lab.kindOf(host, pool),
      h.state,
      h.version ?? '-',
      h.build ?? '-',
      describePin(pins.find((p) => p.host === h.host)),
      h.problems.join('; ') || '-',
    ]);
  }
  const bad = results.filter((r) => r.state === 'bad').length;
  const maintenance = results.filter((r) => r.state === 'maintenance').length;
  const simulated = lab.inventory.simulated ? ' (simulated lab)' : '';
  return `${table(rows)}\n\nlab ${lab.name}${simulated}: ${results.length} hosts, ${results.length - bad - maintenance} good, ${maintenance} maintenance, ${bad} bad`;
}

/** `shakedown lab check INVENTORY`. */
export function registerLabInventoryCommands(lab: Command): void {
  lab
    .command('check')
    .description('check every host of an inventory: SSH, xapi, version/build, enabled (exit 1 if any is bad)')
    .argument('<inventory>', 'inventory file (YAML or JSON)')
    .option('--hardware', 'also collect each host’s hardware profile')
    .option('--timeout <ms>', 'per-command timeout', positiveInt, 30_000)
    .option('--json', 'print the results as JSON')
    .action(async (file: string, opts: { hardware?: boolean; timeout: number; json?: boolean }) => {
      const inventory = await loadLab(file);
      // Host keys are checked against the lab's pins, shared with every other process.
      const { results, pins } = await withDatabase(async (db) => {
        const store = new PgHostKeyStore(db);
        const ssh = new SshPool({ connectTimeoutMs: opts.timeout, hostKeys: store });
        try {
          const checked = await new HostHealthService(ssh).checkAll(inventory, {
            timeoutMs: opts.timeout,
            withHardware: opts.hardware === true,
          });
          return { results: checked, pins: await store.pinsOfLab(inventory.name) };
        } finally {
          await ssh.close();
        }
      });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(
              results.map((r) => ({ ...r, hostKey: pins.find((p) => p.host === r.host) ?? null })),
              null,
              2,
            )}\n`
          : `${renderHealth(inventory, results, pins)}\n`,
      );
      if (results.some((r) => r.state === 'bad')) throw new CliError('', ExitCode.Failure);
    });
}
