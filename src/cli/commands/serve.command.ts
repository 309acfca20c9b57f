import { Command } from 'commander';

/** `shakedown serve`: filled in by its own issue. */
export function registerServeCommand(program: Command): void {
  program.command('serve').description('(not built yet)');
}
