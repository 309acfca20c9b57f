import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ExitCode, reportCliError } from 'src/cli/cli-error';
import { registerCampaignCommands } from 'src/cli/commands/campaign.command';
import { registerCompareCommand } from 'src/cli/commands/compare.command';
import { registerConfigCommand } from 'src/cli/commands/config.command';
import { registerDemoCommand } from 'src/cli/commands/demo.command';
import { registerExportCommand } from 'src/cli/commands/export.command';
import { registerLabCommands } from 'src/cli/commands/lab.command';
import { registerReportCommands } from 'src/cli/commands/report.command';
import { registerRunCommands } from 'src/cli/commands/run.command';
import { registerServeCommand } from 'src/cli/commands/serve.command';
import { registerSubmissionCommands } from 'src/cli/commands/submission.command';
import { registerSubmitCommand } from 'src/cli/commands/submit.command';
import { registerTokenCommands } from 'src/cli/commands/token.command';
import { registerWorkerCommand } from 'src/cli/commands/worker.command';

export function buildProgram(): Command {
  const program = new Command('shakedown')
    .description('Release test campaigns for XCP-ng: plan, run over SSH, compare old vs new, report.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(add --help for usage)');
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerDemoCommand(program);
  registerLabCommands(program);
  registerCampaignCommands(program);
  registerRunCommands(program);
  registerReportCommands(program);
  registerCompareCommand(program);
  registerSubmitCommand(program);
  registerTokenCommands(program);
  registerSubmissionCommands(program);
  registerExportCommand(program);
  registerConfigCommand(program);
  // Usage errors exit 2 everywhere, including sub-commands.
  const exitOverride = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

export async function main(argv: string[]): Promise<ExitCode> {
  try {
    await buildProgram().parseAsync(argv);
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" for commander; they are successes for the user.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        return ExitCode.Ok;
      }
      return ExitCode.Usage;
    }
    return reportCliError(err);
  }
}

if (require.main === module || process.argv[1]?.endsWith('shakedown.js') || process.argv[1]?.endsWith('shakedown')) {
  void main(process.argv).then((code) => {
    // Long-running commands (serve, worker, lab up) keep the event loop alive and never get here.
    process.exitCode = code;
  });
}
