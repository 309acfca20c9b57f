import { Command } from 'commander';

/** `shakedown worker`: filled in by its own issue. */
export function registerWorkerCommand(program: Command): void {
  program.command('worker').description('(not built yet)');
}
