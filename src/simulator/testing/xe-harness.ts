import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { buildLab } from 'src/simulator/config/build-lab';
import { LabConfig, loadLabConfig } from 'src/simulator/config/lab-config';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';
import { runXe } from 'src/simulator/xe/xe-emulator';
import { NO_FAULTS, XeContext, XeFaultView, XeResult } from 'src/simulator/xe/xe-context';

/** Runs xe in-process against a fresh lab: for unit specs and the bench, no SSH involved. */
export class XeHarness {
  readonly root = mkdtempSync(join(tmpdir(), 'shakedown-xe-'));
  faults: XeFaultView = NO_FAULTS;

  constructor(readonly model: LabModel) {}

  static fromFile(file: string, speed = 1e6): XeHarness {
    return XeHarness.fromConfig(loadLabConfig(file), speed);
  }

  static fromConfig(config: LabConfig, speed = 1e6): XeHarness {
    return new XeHarness(buildLab(config, speed).model);
  }

  host(name: string): SimHost {
    const host = this.model.hostByName(name);
    if (!host) throw new Error(`no host ${name}`);
    return host;
  }

  context(hostName: string): XeContext {
    return {
      model: this.model,
      host: this.host(hostName),
      faults: this.faults,
      hostPath: (host, path) => {
        const dir = join(this.root, host.name);
        mkdirSync(join(dir, 'root'), { recursive: true });
        return join(dir, normalize(`/${path}`));
      },
    };
  }

  xe(hostName: string, ...argv: string[]): Promise<XeResult> {
    return runXe(this.context(hostName), argv);
  }

  vmUuid(name: string): string {
    const vm = [...this.model.state.vms.values()].find((v) => v.name === name);
    if (!vm) throw new Error(`no VM ${name}`);
    return vm.uuid;
  }
}
