import { join } from 'node:path';
import { procInterrupts } from 'src/simulator/lab/proc-interrupts';
import { XeHarness } from 'src/simulator/testing/xe-harness';

const DEFAULT_LAB = join(__dirname, '..', 'labs', 'default-lab.yaml');

describe("dom0's /proc/interrupts", () => {
  it('shows the event channels of the VIFs of the VMs running here, spread over the CPUs by irqbalance', async () => {
    const lab = XeHarness.fromFile(DEFAULT_LAB);
    const host = lab.host('sim-830-a');
    const idle = procInterrupts(lab.model, host);
    expect(idle).toMatch(/^ {5}( +CPU\d+)+\n/);
    expect(idle).toMatch(/^ +1:( +\d+)+ {2}xen-percpu-virq +timer0$/m);
    const vm = lab.vmUuid('debian10-carried-over-830');
    const clones: string[] = [vm];
    for (const name of ['c1', 'c2', 'c3']) {
      clones.push((await lab.xe('sim-830-a', 'vm-clone', `uuid=${vm}`, `new-name-label=${name}`)).stdout.trim());
    }
    for (const uuid of clones) {
      expect((await lab.xe('sim-830-a', 'vm-start', `uuid=${uuid}`, `on=${host.uuid}`)).exitCode).toBe(0);
    }
    const text = procInterrupts(lab.model, host);
    const cpus = new Set<number>();
    for (const uuid of clones) {
      const domId = (await lab.xe('sim-830-a', 'vm-param-get', `uuid=${uuid}`, 'param-name=dom-id')).stdout.trim();
      const lines = text.split('\n').filter((l) => new RegExp(`xen-dyn-lateeoi\\s+-event\\s+vif${domId}\\.0-`).test(l));
      expect(lines).toHaveLength(2);
      for (const line of lines) {
        const fields = line.trim().split(/\s+/);
        const counts = fields.slice(1, fields.indexOf('xen-dyn-lateeoi')).map(Number);
        expect(counts.filter((c) => c > 0)).toHaveLength(1);
        cpus.add(counts.findIndex((c) => c > 0));
      }
    }
    expect(cpus.size).toBeGreaterThan(1);
  });
});
