import { join } from 'node:path';
import pino from 'pino';
import { startExecution, TestExecution } from 'test/utils/execution';
import { LabRepository } from 'src/lab/lab.repository';
import { parseInventory } from 'src/lab/inventory.loader';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';
import { SimulatedLab, startSimulatedLab } from 'src/simulator/lab/simulated-lab';
import { TestDatabase } from 'test/utils/database';

/**
 * The default simulated lab (fast clock), stored in the test database as `sim-default`, and an engine
 * with the shipped scenarios over it (no worker yet: the caller starts those it needs).
 */
export async function openSimEngine(
  dir: string,
  db: TestDatabase,
  options: { controlApi?: boolean } = {},
): Promise<{ lab: SimulatedLab; engine: TestExecution }> {
  const lab = await startSimulatedLab({
    speed: 600,
    stateDir: join(dir, 'sim'),
    controlApi: options.controlApi ?? false,
  });
  await new LabRepository(db.dataSource).upsertInventory(parseInventory(JSON.stringify(lab.inventory)));
  const engine = await startExecution({
    databaseUrl: db.url,
    dataDir: dir,
    registry: new ScenarioRegistry(defaultScenarios()),
    logger: pino({ level: 'silent' }),
  });
  return { lab, engine };
}
