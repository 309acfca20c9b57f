import { Command } from 'commander';

/** `shakedown run …`: filled in by its own issue. */
export function registerRunCommands(program: Command): void {
  program.command('run').description('(not built yet)');
}
