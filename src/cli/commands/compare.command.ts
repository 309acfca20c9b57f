import { Command } from 'commander';

/** `shakedown compare …`: filled in by its own issue. */
export function registerCompareCommand(program: Command): void {
  program.command('compare').description('(not built yet)');
}
