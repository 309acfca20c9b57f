import { ScenarioDefinition } from 'src/scenarios/scenario.types';

/** Every scenario Shakedown ships. The scenario families register here. */
export function defaultScenarios(): ScenarioDefinition[] {
  return [];
}
