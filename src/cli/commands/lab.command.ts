import { Command } from 'commander';

/** `shakedown lab …`: filled in by its own issue. */
export function registerLabCommands(program: Command): void {
  program.command('lab').description('(not built yet)');
}
