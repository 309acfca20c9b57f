import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';

/**
 * dom0's /proc/interrupts: a column per dom0 vCPU, the per-CPU Xen events every dom0 has, and for
 * each VIF of a VM running here the two event channels netback binds (`vif<domid>.<device>-q0-tx`
 * and `-rx`, chip `xen-dyn-lateeoi`, as the XSA-332 kernels of 8.2 and 8.3 name it). irqbalance,
 * which runs on dom0, spreads those IRQs over the CPUs: each is counted on one CPU, the IRQ number
 * modulo the CPU count, and its count grows with the seconds the VM has run.
 */
export function procInterrupts(model: LabModel, host: SimHost): string {
  const cpus = model.state.vms.get(host.controlDomainUuid)?.vcpus ?? Math.min(16, host.cpuCount);
  const width = 11;
  const cell = (n: number): string => String(n).padStart(width, ' ');
  const header = `${' '.repeat(5)}${Array.from({ length: cpus }, (_, i) => `CPU${i}`.padStart(width, ' ')).join('')}`;
  const lines = [header];
  const perCpu = (irq: number, name: string, count: number): void => {
    lines.push(
      `${String(irq).padStart(4, ' ')}:${Array.from({ length: cpus }, () => cell(count)).join('')}  xen-percpu-virq      ${name}`,
    );
  };
  const uptime = Math.max(1, Math.floor((model.clock.now() - host.bootedAt) / 1000));
  perCpu(1, 'timer0', uptime * 100);
  perCpu(2, 'resched0', uptime * 10);
  perCpu(3, 'callfunc0', uptime);
  let irq = 100;
  const running = [...model.state.vms.values()]
    .filter((vm) => vm.powerState === 'running' && vm.residentOn === host.uuid && !vm.isControlDomain)
    .sort((a, b) => a.domId - b.domId);
  for (const vm of running) {
    const seconds = Math.max(1, Math.floor((model.clock.now() - (vm.startTime ?? host.bootedAt)) / 1000));
    const vifs = [...model.state.vifs.values()].filter((v) => v.vmUuid === vm.uuid && !v.unplugged);
    for (const vif of vifs.sort((a, b) => Number(a.device) - Number(b.device))) {
      for (const dir of ['tx', 'rx']) {
        const cpu = irq % cpus;
        const counts = Array.from({ length: cpus }, (_, i) => cell(i === cpu ? seconds * 3 : 0)).join('');
        lines.push(
          `${String(irq).padStart(4, ' ')}:${counts}  xen-dyn-lateeoi    -event     vif${vm.domId}.${vif.device}-q0-${dir}`,
        );
        irq++;
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
