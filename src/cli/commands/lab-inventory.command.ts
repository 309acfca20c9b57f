import { Command } from 'commander';
import { columns } from 'src/cli/api-client';
import { CliError, ExitCode } from 'src/cli/cli-error';
import { HostHealth, HostHealthService } from 'src/lab/host-health.service';
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

export function renderHealth(lab: LabInventory, results: readonly HostHealth[]): string {
  const rows = [['host', 'pool', 'kind', 'state', 'version', 'build', 'problems']];
  for (const h of results) {
    const { host, pool } = lab.host(h.host);
    rows.push([
      h.host,
      h.pool,
      lab.kindOf(host, pool),
      h.state,
      h.version ?? '-',
      h.build ?? '-',
      h.problems.join('; ') || '-',
    ]);
  }
  const bad = results.filter((r) => r.state === 'bad').length;
  const maintenance = results.filter((r) => r.state === 'maintenance').length;
  const simulated = lab.inventory.simulated ? ' (simulated lab)' : '';
  return `${columns(rows)}\n\nlab ${lab.name}${simulated}: ${results.length} hosts, ${results.length - bad - maintenance} good, ${maintenance} maintenance, ${bad} bad`;
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
      const ssh = new SshPool({ connectTimeoutMs: opts.timeout });
      try {
        const results = await new HostHealthService(ssh).checkAll(inventory, {
          timeoutMs: opts.timeout,
          withHardware: opts.hardware === true,
        });
        process.stdout.write(
          opts.json ? `${JSON.stringify(results, null, 2)}\n` : `${renderHealth(inventory, results)}\n`,
        );
        if (results.some((r) => r.state === 'bad')) throw new CliError('', ExitCode.Failure);
      } finally {
        await ssh.close();
      }
    });
}
