import { Command } from 'commander';

/** `shakedown report …`: filled in by its own issue. */
export function registerReportCommands(program: Command): void {
  program.command('report').description('(not built yet)');
}
