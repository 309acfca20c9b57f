import { Command } from 'commander';
import { listScenarios, scenariosText } from 'src/cli/scenario-listing';

/** `shakedown scenarios [--json]`: what a campaign's `scenario:` accepts, with parameters and lab needs. */
export function registerScenariosCommand(program: Command): void {
  program
    .command('scenarios')
    .description(
      'list the scenarios a campaign may name: their parameters, the values they take, what they need of a lab',
    )
    .option('--json', 'print JSON instead of text')
    .action((opts: { json?: boolean }) => {
      const list = listScenarios();
      process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${scenariosText(list)}\n`);
    });
}
