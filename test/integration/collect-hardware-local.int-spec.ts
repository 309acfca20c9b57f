import { validateHardwareProfile } from 'src/lab/hardware-profile';
import { collectHardwareProfile } from 'src/lab/collect-hardware';
import { LocalRunner } from 'src/lab/local-runner';

// `lab collect-hardware --local` on the machine the tests run on: whatever tools it has or lacks,
// the profile is one `submit` accepts, with the memory /proc/meminfo reports.
describe('collect-hardware --local', () => {
  it('profiles this machine in the submission format', async () => {
    const profile = await collectHardwareProfile(new LocalRunner());
    expect(validateHardwareProfile(profile)).toMatchObject({ ok: true });
    const meminfo = /^MemTotal:\s+(\d+) kB/m.exec((await new LocalRunner().exec('cat /proc/meminfo')).stdout);
    expect(profile.memoryBytes).toBe(Number(meminfo![1]) * 1024);
    expect(profile.simulated).toBeUndefined();
  });

  it('reports exit codes and output of a local command', async () => {
    const r = await new LocalRunner().exec("printf 'a b'; exit 3");
    expect(r).toMatchObject({ exitCode: 3, stdout: 'a b', stderr: '' });
  });
});
