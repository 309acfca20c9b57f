import { AppConfig } from 'src/config/config';
import { createDataSource } from 'src/database/data-source';
import { prepareDatabase } from 'src/database/prepare-database';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';

/**
 * The results store for commands that need no Nest application (report, export, compare): finds
 * the database as `serve` does (DATABASE_URL or the embedded server), reads, and closes it all.
 */
export async function withResultsStore<T>(
  fn: (read: ResultsReadRepository) => Promise<T>,
  config: AppConfig = AppConfig.fromEnv(),
): Promise<T> {
  const prepared = await prepareDatabase(config);
  const dataSource = createDataSource({ url: prepared.url, poolSize: 4, applicationName: 'shakedown-report' });
  try {
    await dataSource.initialize();
    return await fn(new ResultsReadRepository(dataSource));
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await prepared.embedded?.stop();
  }
}
