import { Command } from 'commander';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { CampaignError, formatDiagnostic } from 'src/campaign/campaign.errors';
import type { CampaignExpansion, SuiteExpansion } from 'src/campaign/campaign.types';
import { expandCampaign } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import { campaignReference } from 'src/campaign/campaign-reference';
import { listScenarios, scenariosMarkdown } from 'src/cli/scenario-listing';
import type { Expectation } from 'src/matrix/matrix.types';

function expectationText(e: Expectation): string {
  return e.outcome === 'pass' ? 'pass' : `fail${e.error ? ` ${e.error}` : ''}`;
}

function coverageText(s: SuiteExpansion): string {
  if (s.coverage.strength === 0) return 'n/a';
  return `${s.coverage.covered}/${s.coverage.required} ${s.coverage.strength}-tuples (${(s.coverage.ratio * 100).toFixed(1)}%)`;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}

function renderExpansion(x: CampaignExpansion): string {
  const out: string[] = [
    `campaign ${x.campaign}: release ${x.release} against baseline ${x.baseline}, ${x.total} cases`,
  ];
  for (const s of x.suites) {
    out.push('');
    out.push(`suite ${s.suite} (${s.scenario}): ${s.title}`);
    out.push(
      `  full ${s.full}, valid ${s.valid ?? 'not counted'}, selected ${s.selected}, coverage ${coverageText(s)}`,
    );
    for (const w of s.warnings) out.push(`  warning: ${w}`);
    const rows = [['hash', 'expect', 'case key']];
    for (const c of s.cases) {
      rows.push([c.caseHash, (c.manual ? 'manual ' : '') + expectationText(c.expectation), c.caseKey]);
    }
    out.push(
      table(rows)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  return out.join('\n');
}

/** `shakedown campaign validate|expand`: check a campaign and see the cases it means. */
export function registerCampaignCommands(program: Command): void {
  const campaign = program.command('campaign').description('check campaign files and expand them into cases');

  campaign
    .command('validate')
    .description('check campaign files; errors are printed as file:line:col: message')
    .argument('<file...>', 'campaign YAML files')
    .action((files: string[]) => {
      let failed = 0;
      const summaries: string[] = [];
      for (const file of files) {
        try {
          const c = loadCampaign(file);
          const cases = expandCampaign(c).total;
          summaries.push(
            `${file}: ok, campaign ${c.name} (${c.release} vs ${c.baseline}), ${c.suites.length} suites, ${cases} cases`,
          );
        } catch (err) {
          if (!(err instanceof CampaignError)) throw err;
          failed++;
          for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        }
      }
      for (const line of summaries) process.stdout.write(`${line}\n`);
      if (failed > 0) throw new CliError('', ExitCode.Failure);
    });

  campaign
    .command('reference')
    .description('print the campaign file reference (docs/campaigns.md) as Markdown, generated from the loader')
    .action(() => {
      process.stdout.write(campaignReference(scenariosMarkdown(listScenarios())));
    });

  campaign
    .command('expand')
    .description('list the cases of a campaign: counts, t-tuple coverage, case keys and expectations')
    .argument('<file>', 'campaign YAML file')
    .option('--suite <id>', 'only this suite')
    .option('--only <expr>', 'only cases matching an expression, e.g. "scope == \'cross-pool\'"')
    .option('--json', 'print JSON instead of a table')
    .action((file: string, opts: { suite?: string; only?: string; json?: boolean }) => {
      let x: CampaignExpansion;
      try {
        x = expandCampaign(loadCampaign(file), { suite: opts.suite, only: opts.only });
      } catch (err) {
        if (!(err instanceof CampaignError)) throw err;
        for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        throw new CliError('', ExitCode.Failure);
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);
      } else {
        process.stdout.write(`${renderExpansion(x)}\n`);
      }
    });
}
