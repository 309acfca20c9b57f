import { Command } from 'commander';

/** `shakedown demo`: filled in by its own issue. */
export function registerDemoCommand(program: Command): void {
  program.command('demo').description('(not built yet)');
}
