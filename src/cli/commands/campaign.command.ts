import { Command } from 'commander';

/** `shakedown campaign …`: filled in by its own issue. */
export function registerCampaignCommands(program: Command): void {
  program.command('campaign').description('(not built yet)');
}
