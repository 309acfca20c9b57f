import { Command } from 'commander';

/** `shakedown lab up`: filled in by the simulated-lab issue. */
export function registerLabUpCommand(lab: Command): void {
  lab.command('up').description('(not built yet)');
}
