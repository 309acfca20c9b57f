import { Command } from 'commander';

/** `shakedown submit …`: filled in by its own issue. */
export function registerSubmitCommand(program: Command): void {
  program.command('submit').description('(not built yet)');
}
