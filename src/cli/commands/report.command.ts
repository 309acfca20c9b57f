import { resolve } from 'node:path';
import { Command } from 'commander';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { formatBytes } from 'src/reports/render/template-helpers';
import { withResultsStore } from 'src/reports/results-database';
import { StaticReportBuilder } from 'src/reports/static-report';

export function runNumberArg(value: string, what = 'RUN'): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) {
    throw new CliError(`${what} must be a run number (e.g. 12), not '${value}'`, ExitCode.Usage);
  }
  return n;
}

/** `shakedown report build RUN [--compare RUN2] --out DIR`: the self-contained HTML report. */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('reports of runs');
  report
    .command('build')
    .description(
      'write DIR/index.html: a self-contained report (styles, scripts, charts, data inlined) that opens offline',
    )
    .argument('<run>', 'run number')
    .option('--compare <run>', 'compare with this run (the baseline)')
    .requiredOption('-o, --out <dir>', 'output folder')
    .action(async (run: string, opts: { compare?: string; out: string }) => {
      const runNumber = runNumberArg(run);
      const compareWith = opts.compare !== undefined ? runNumberArg(opts.compare, '--compare') : undefined;
      const started = Date.now();
      const result = await withResultsStore((read) =>
        new StaticReportBuilder(read).build(resolve(opts.out), { run: runNumber, compareWith }),
      );
      process.stdout.write(
        `${result.file}\n` +
          `run ${runNumber}: ${result.cases} cases, ${result.failures} failures` +
          `${compareWith !== undefined ? `, ${result.comparedMetrics} metrics compared with run ${compareWith}` : ''}` +
          ` · ${formatBytes(result.bytes)} in ${Date.now() - started} ms\n`,
      );
    });
}
