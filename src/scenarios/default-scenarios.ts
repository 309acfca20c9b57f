import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { basicScenarios } from 'src/scenarios/basic.scenarios';
import { exportImportScenarios } from 'src/scenarios/export-import.scenarios';
import { externalScenarios } from 'src/scenarios/external/external.scenarios';
import { ExternalSuites, NO_EXTERNAL_SUITES } from 'src/config/external-suites';
import { guestToolsScenarios } from 'src/scenarios/guest-tools.scenarios';
import { manualScenarios } from 'src/scenarios/manual.scenarios';
import { migrationScenarios } from 'src/scenarios/migration.scenarios';
import { perfScenarios } from 'src/scenarios/perf.scenarios';
import { kmodScenarios } from 'src/scenarios/kmod.scenarios';
import { updatesScenarios } from 'src/scenarios/updates.scenarios';

/**
 * Every scenario Shakedown knows: the engine's registry and the demo load these. External suites
 * are the operator's (SHAKEDOWN_EXTERNAL_SUITES); without them external.xcp-ng-tests refuses to run.
 */
export function defaultScenarios(externalSuites: ExternalSuites = NO_EXTERNAL_SUITES): ScenarioDefinition[] {
  return [
    ...basicScenarios(),
    ...manualScenarios(),
    ...migrationScenarios(),
    ...perfScenarios(),
    ...exportImportScenarios(),
    ...guestToolsScenarios(),
    ...externalScenarios(externalSuites),
    ...updatesScenarios(),
    ...kmodScenarios(),
  ];
}
