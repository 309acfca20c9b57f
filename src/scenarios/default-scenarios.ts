import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { basicScenarios } from 'src/scenarios/basic.scenarios';

/** Every scenario Shakedown knows: the engine's registry and the demo load these. */
export function defaultScenarios(): ScenarioDefinition[] {
  return [...basicScenarios()];
}
