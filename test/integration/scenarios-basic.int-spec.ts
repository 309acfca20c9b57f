import { XeError } from 'src/remote/xe/xe.errors';
import { ScenarioDefinition } from 'src/scenarios/scenario.types';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { useScenarioLab } from 'test/utils/scenario-harness';

jest.setTimeout(120_000);

const byId = (id: string): ScenarioDefinition => {
  const d = defaultScenarios().find((s) => s.id === id);
  if (!d) throw new Error(`no scenario ${id}`);
  return d;
};

describe('basic scenarios on the simulated lab', () => {
  const suite = useScenarioLab();
  const run = suite.run;

  it.each([
    'basic.install-check',
    'basic.interfaces',
    'basic.vm-lifecycle',
    'basic.migrate-host-to-host',
    'basic.migrate-old-to-new',
    'basic.pool-master-change',
  ])('%s passes on a healthy lab', async (id) => {
    const { ctx, error } = await run(id);
    expect(error).toBeNull();
    expect(ctx.steps.every((s) => s.ok)).toBe(true);
  });

  it('basic.migrate-new-to-old fails with the real xapi error', async () => {
    const { error } = await run('basic.migrate-new-to-old');
    expect(error).toBeInstanceOf(XeError);
    expect((error as XeError).code).toBe('VM_HOST_INCOMPATIBLE_VERSION_MIGRATE');
  });

  it('basic.vm-lifecycle fails with SR_BACKEND_FAILURE_46 when the SR backend fails', async () => {
    const host = suite.env().context(byId('basic.vm-lifecycle')).pool('pool').master.name;
    suite.env().lab.faults.set({ host, kind: 'sr-failure' });
    const { error } = await run('basic.vm-lifecycle');
    expect(error).toBeInstanceOf(XeError);
    expect((error as XeError).code).toMatch(/^SR_BACKEND_FAILURE/);
  });
});
