import { Command } from 'commander';
import { withDatabase } from 'src/cli/cli-database';
import { loadLab } from 'src/cli/commands/lab-inventory.command';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { listPreparedTemplates, removePreparedTemplate } from 'src/remote/prepared-templates';
import { SshPool } from 'src/remote/ssh-pool';

/**
 * `shakedown lab clean INVENTORY`: removes the templates Shakedown prepared in the lab's pools
 * (guest software installed once per pool and template); teardown never does.
 */
export function registerLabCleanCommand(lab: Command): void {
  lab
    .command('clean')
    .description('remove the prepared templates (guest software installed) Shakedown left in the lab')
    .argument('<inventory>', 'inventory file (YAML or JSON)')
    .option('--dry-run', 'only list them')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const inventory = await loadLab(file);
      await withDatabase(async (db) => {
        const ssh = new SshPool({ hostKeys: new PgHostKeyStore(db) });
        try {
          let count = 0;
          for (const pool of inventory.pools) {
            const xe = inventory.xe(ssh, pool.name);
            for (const t of await listPreparedTemplates(xe)) {
              if (!opts.dryRun) await removePreparedTemplate(xe, t.uuid);
              count += 1;
              process.stdout.write(
                `${opts.dryRun ? 'would remove' : 'removed'} ${pool.name}: ${t.name} (${t.uuid}; ${t.installed})\n`,
              );
            }
          }
          process.stdout.write(`${count} prepared template${count === 1 ? '' : 's'}${opts.dryRun ? '' : ' removed'}\n`);
        } finally {
          await ssh.close();
        }
      });
    });
}
