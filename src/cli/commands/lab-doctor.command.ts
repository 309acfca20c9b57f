import { Command } from 'commander';
import { loadCampaign } from 'src/campaign/load-campaign';
import { withDatabase } from 'src/cli/cli-database';
import { loadLab } from 'src/cli/commands/lab-inventory.command';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { GuestBinaries } from 'src/config/guest-binaries';
import { CampaignReadiness, examineForCampaign } from 'src/execution/lab-readiness';
import { DoctorRow, LabDoctor } from 'src/lab/doctor/lab-doctor';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { SshPool } from 'src/remote/ssh-pool';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { TEMPLATE_HINTS } from 'src/scenarios/support/pool-ops';

/** The rows as a table with a count line; shared with `run start`'s refusal. */
export function renderDoctorRows(rows: readonly DoctorRow[]): string {
  const table = [
    ['status', 'subject', 'check', 'detail', 'fix'],
    ...rows.map((r) => [r.status, r.subject, r.check, r.detail, r.fix || '-']),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  return `${lines.join('\n')}\n\n${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail`;
}

interface DoctorCliOptions {
  json?: boolean;
  campaign?: string;
  suite?: string;
  prepare?: boolean;
}

/** `shakedown lab doctor INVENTORY`: the lab's readiness for a campaign, one row per requirement with its fix. */
export function registerLabDoctorCommand(lab: Command): void {
  lab
    .command('doctor')
    .description(
      'check what a campaign needs of the lab (SSH and host keys, xapi and its login, templates, SRs, memory, disk, tools ISO, guests, clocks); exit 1 on a failing row',
    )
    .argument('<inventory>', 'inventory file (YAML or JSON)')
    .option(
      '--campaign <file>',
      'check for this campaign: the pools, versions, SR kinds, VM kinds, sizes and guest software its cases need',
    )
    .option('--suite <id>', 'with --campaign: only this suite')
    .option('--prepare', 'first fix what can be fixed safely (plug shared SRs, install guest software), then check')
    .option('--json', 'print the rows as JSON')
    .action(async (file: string, opts: DoctorCliOptions) => {
      const inventory = await loadLab(file);
      const campaign = opts.campaign ? loadCampaign(opts.campaign) : undefined;
      const rows = await withDatabase(async (db, config) => {
        const ssh = new SshPool({ hostKeys: new PgHostKeyStore(db) });
        const readiness = campaign
          ? new CampaignReadiness(
              campaign,
              new ScenarioRegistry(defaultScenarios(config.get('SHAKEDOWN_EXTERNAL_SUITES'))),
              opts.suite,
            )
          : undefined;
        const staticBinaries = GuestBinaries.of(config.get('SHAKEDOWN_GUEST_BINARIES_DIR'));
        const examine = async (): Promise<{ doctor: LabDoctor; rows: DoctorRow[] }> => {
          if (readiness) return examineForCampaign(ssh, inventory, readiness, { staticBinaries });
          const doctor = new LabDoctor(ssh, inventory, { templateHints: TEMPLATE_HINTS, staticBinaries });
          return { doctor, rows: await doctor.examine() };
        };
        try {
          const first = await examine();
          if (!opts.prepare) return first.rows;
          const done = await first.doctor.prepare(first.rows);
          for (const d of done) {
            process.stderr.write(
              `${d.repaired ? 'prepared' : 'could not prepare'}: ${d.row.subject}: ${d.row.check}: ${d.outcome}\n`,
            );
          }
          return done.length ? (await examine()).rows : first.rows;
        } finally {
          await ssh.close();
        }
      });
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${renderDoctorRows(rows)}\n`);
      if (rows.some((r) => r.status === 'fail')) throw new CliError('', ExitCode.Failure);
    });
}
