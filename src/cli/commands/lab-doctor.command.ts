import { Command } from 'commander';
import { withDatabase } from 'src/cli/cli-database';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { DoctorRow, LabDoctor } from 'src/lab/doctor/lab-doctor';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { loadInventoryFile } from 'src/lab/inventory.loader';
import { LabError } from 'src/lab/lab.errors';
import { LabInventory } from 'src/lab/lab-inventory';
import { SshPool } from 'src/remote/ssh-pool';
import { TEMPLATE_HINTS } from 'src/scenarios/support/pool-ops';

function render(rows: readonly DoctorRow[]): string {
  const table = [
    ['status', 'subject', 'check', 'detail', 'fix'],
    ...rows.map((r) => [r.status, r.subject, r.check, r.detail, r.fix || '-']),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  return `${lines.join('\n')}\n\n${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail`;
}

/** `shakedown lab doctor INVENTORY`: the lab's readiness for a campaign, one row per requirement with its fix. */
export function registerLabDoctorCommand(lab: Command): void {
  lab
    .command('doctor')
    .description(
      'check what a campaign needs of the lab (SSH and host keys, xapi, templates, shared SRs, clocks); exit 1 on a failing row',
    )
    .argument('<inventory>', 'inventory file (YAML or JSON)')
    .option('--json', 'print the rows as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      let inventory: LabInventory;
      try {
        inventory = new LabInventory(await loadInventoryFile(file));
      } catch (err) {
        if (err instanceof LabError) throw new CliError(err.message, ExitCode.Usage);
        throw err;
      }
      const rows = await withDatabase(async (db) => {
        const ssh = new SshPool({ hostKeys: new PgHostKeyStore(db) });
        try {
          return await new LabDoctor(ssh, inventory, { templateHints: TEMPLATE_HINTS }).examine();
        } finally {
          await ssh.close();
        }
      });
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${render(rows)}\n`);
      if (rows.some((r) => r.status === 'fail')) throw new CliError('', ExitCode.Failure);
    });
}
