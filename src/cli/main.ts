import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ExitCode, reportCliError } from 'src/common/errors/cli-error';

type Register = (program: Command) => void;

/* eslint-disable @typescript-eslint/no-require-imports -- on purpose, see below */
/**
 * Every top-level command and the module that defines it, in help order. A module (and what it
 * imports: Nest, TypeORM, ssh2…) is loaded only when its command runs, or for the full help, so
 * `shakedown --version` or `campaign validate` start in a blink (`npm run bench -- cli`).
 * require, not import(): in CommonJS output import() goes through the ESM resolver, which ignores
 * the NODE_PATH that makes `src/…` resolvable (bin/shakedown.js).
 */
const COMMANDS: Record<string, () => Register> = {
  serve: () =>
    (require('src/cli/commands/serve.command') as typeof import('src/cli/commands/serve.command')).registerServeCommand,
  worker: () =>
    (require('src/cli/commands/worker.command') as typeof import('src/cli/commands/worker.command'))
      .registerWorkerCommand,
  demo: () =>
    (require('src/cli/commands/demo.command') as typeof import('src/cli/commands/demo.command')).registerDemoCommand,
  lab: () =>
    (require('src/cli/commands/lab.command') as typeof import('src/cli/commands/lab.command')).registerLabCommands,
  campaign: () =>
    (require('src/cli/commands/campaign.command') as typeof import('src/cli/commands/campaign.command'))
      .registerCampaignCommands,
  scenarios: () =>
    (require('src/cli/commands/scenarios.command') as typeof import('src/cli/commands/scenarios.command'))
      .registerScenariosCommand,
  run: () =>
    (require('src/cli/commands/run.command') as typeof import('src/cli/commands/run.command')).registerRunCommands,
  report: () =>
    (require('src/cli/commands/report.command') as typeof import('src/cli/commands/report.command'))
      .registerReportCommands,
  compare: () =>
    (require('src/cli/commands/compare.command') as typeof import('src/cli/commands/compare.command'))
      .registerCompareCommand,
  submit: () =>
    (require('src/cli/commands/submit.command') as typeof import('src/cli/commands/submit.command'))
      .registerSubmitCommand,
  register: () =>
    (require('src/cli/commands/token.command') as typeof import('src/cli/commands/token.command'))
      .registerRegisterCommand,
  token: () =>
    (require('src/cli/commands/token.command') as typeof import('src/cli/commands/token.command'))
      .registerTokenCommands,
  submission: () =>
    (require('src/cli/commands/submission.command') as typeof import('src/cli/commands/submission.command'))
      .registerSubmissionCommands,
  export: () =>
    (require('src/cli/commands/export.command') as typeof import('src/cli/commands/export.command'))
      .registerExportCommand,
  watch: () =>
    (require('src/cli/commands/watch.command') as typeof import('src/cli/commands/watch.command')).registerWatchCommand,
  config: () =>
    (require('src/cli/commands/config.command') as typeof import('src/cli/commands/config.command'))
      .registerConfigCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The commands `argv` needs: the one it names, none for the version alone, else all. */
function commandsFor(argv: readonly string[] | undefined): string[] {
  if (!argv) return Object.keys(COMMANDS);
  const args = argv.slice(2);
  const named = args.find((a) => !a.startsWith('-'));
  if (named !== undefined && Object.hasOwn(COMMANDS, named)) return [named];
  if (named === undefined && args.some((a) => a === '-V' || a === '--version')) return [];
  return Object.keys(COMMANDS);
}

/**
 * The program for `argv` (process.argv style). With the name of a command in it, only that command
 * is defined; otherwise (help, a typo, no argument) all of them, so help and "did you mean" see all.
 * Without argv: all commands (tests that check the Docker files' commands exist).
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('shakedown')
    .description('Release test campaigns for XCP-ng: plan, run over SSH, compare old vs new, report.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(add --help for usage)');
  for (const name of commandsFor(argv)) COMMANDS[name]!()(program);
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
    await buildProgram(argv).parseAsync(argv);
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
