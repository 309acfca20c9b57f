import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';

/** The scenarios a process knows, by id. The engine takes one, so tests can bring their own. */
export class ScenarioRegistry {
  private readonly byId = new Map<string, ScenarioDefinition>();

  constructor(definitions: ScenarioDefinition[] = []) {
    for (const d of definitions) this.add(d);
  }

  add(definition: ScenarioDefinition): this {
    if (this.byId.has(definition.id)) throw new Error(`scenario ${definition.id} is defined twice`);
    this.byId.set(definition.id, definition);
    return this;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): ScenarioDefinition {
    const found = this.byId.get(id);
    if (!found) throw new ScenarioError(`no scenario named ${id}`, ScenarioErrorCode.UnknownScenario, { scenario: id });
    return found;
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }
}
