import { Command } from 'commander';
import { configReference } from 'src/config/config-reference';
import { AppConfig } from 'src/config/config';

/** `shakedown config`: the configuration reference, and a check of the current environment. */
export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('print the configuration reference and check the current environment')
    .option('--markdown', 'print only the Markdown table (as in the README)')
    .action((opts: { markdown?: boolean }) => {
      process.stdout.write(`${configReference()}\n`);
      if (opts.markdown) return;
      AppConfig.fromEnv(); // throws the one-line error naming a wrong variable
      process.stderr.write('the current environment is valid\n');
    });
}
