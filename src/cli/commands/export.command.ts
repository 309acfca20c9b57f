import { Command } from 'commander';

/** `shakedown export …`: filled in by its own issue. */
export function registerExportCommand(program: Command): void {
  program.command('export').description('(not built yet)');
}
