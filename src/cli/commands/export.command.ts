import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { runNumberArg } from 'src/cli/commands/report.command';
import { AppConfig } from 'src/config/config';
import { withResultsStore } from 'src/reports/results-database';
import { EXPORT_FORMATS, RunExportService } from 'src/reports/run-export.service';

/** `shakedown export RUN --format junit|csv|cases|json|bundle [--out FILE]`. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export a run: JUnit XML (a testsuite per suite), cases or measurements as CSV, measurements as JSON, or a result bundle (what submissions accept)',
    )
    .argument('<run>', 'run number')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('-o, --out <file>', 'write to this file (default: standard output)')
    .action(async (run: string, opts: { format: string; out?: string }) => {
      const runNumber = runNumberArg(run);
      const config = AppConfig.fromEnv();
      const file = await withResultsStore(
        (read) => new RunExportService(read, config.publicUrl).export(runNumber, opts.format),
        config,
      );
      if (opts.out) {
        await writeFile(resolve(opts.out), file.content);
        process.stderr.write(`shakedown: wrote ${resolve(opts.out)}\n`);
      } else {
        process.stdout.write(file.content.endsWith('\n') ? file.content : `${file.content}\n`);
      }
    });
}
