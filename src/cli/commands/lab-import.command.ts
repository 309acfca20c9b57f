import { Command } from 'commander';
import { AppConfig } from 'src/config/config';
import { createDataSource } from 'src/database/data-source';
import { prepareDatabase } from 'src/database/prepare-database';
import { loadInventoryFile } from 'src/lab/inventory.loader';
import { LabRepository } from 'src/lab/lab.repository';

/** `shakedown lab import FILE`: stores an inventory (YAML, or the JSON line `lab up` prints) for runs. */
export function registerLabImportCommand(lab: Command): void {
  lab
    .command('import')
    .description('store a lab inventory (YAML, or the JSON `lab up` prints) so runs can use it')
    .argument('<inventory>', 'inventory file')
    .action(async (file: string) => {
      const inventory = await loadInventoryFile(file);
      const config = AppConfig.fromEnv();
      const database = await prepareDatabase(config);
      const db = createDataSource({ url: database.url, poolSize: 2 });
      await db.initialize();
      try {
        const saved = await new LabRepository(db).upsertInventory(inventory);
        const hosts = Object.keys(saved.hostIds).length;
        process.stderr.write(
          `lab ${inventory.name}: ${inventory.pools.length} pools, ${hosts} hosts stored${inventory.simulated ? ' (simulated)' : ''}\n`,
        );
      } finally {
        await db.destroy();
        await database.embedded?.stop();
      }
    });
}
