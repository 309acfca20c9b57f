import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/config';
import { createDataSource } from 'src/database/data-source';
import { prepareDatabase } from 'src/database/prepare-database';

export interface BenchDatabase {
  ds: DataSource;
  dataDir: string;
  close(): Promise<void>;
}

/** A migrated database for one bench: DATABASE_URL when set, else an embedded PostgreSQL in a temporary folder. */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `shakedown-bench-${name}-`));
  // Run as root, the embedded PostgreSQL server is the postgres user: it must be able to enter the folder.
  chmodSync(dataDir, 0o711);
  const config = AppConfig.fromEnv({
    ...process.env,
    SHAKEDOWN_DATA_DIR: dataDir,
    SHAKEDOWN_EMBEDDED_PG_PORT: String(56000 + Math.floor(Math.random() * 2000)),
  });
  const prepared = await prepareDatabase(config);
  const ds = createDataSource({ url: prepared.url, poolSize: 4, applicationName: 'shakedown-bench' });
  await ds.initialize();
  return {
    ds,
    dataDir,
    async close() {
      await ds.destroy();
      await prepared.embedded?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
