import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';

/** What the emulator asks of the fault board; the lab's FaultBoard implements it. */
export interface XeFaultView {
  xapiDown(hostUuid: string): boolean;
  /** true when an SR backend failure is switched on for this host and operation (an xe command name) */
  srFailure(hostUuid: string, operation: string): boolean;
  /** >= 1: how many times slower than nominal the host's links are */
  linkSlowdown(hostUuid: string): number;
}

export const NO_FAULTS: XeFaultView = { xapiDown: () => false, srFailure: () => false, linkSlowdown: () => 1 };

export interface XeContext {
  model: LabModel;
  /** the host whose shell runs `xe` */
  host: SimHost;
  faults: XeFaultView;
  /** maps a dom0 path (e.g. /root/x.xva) to a real path inside the host's folder of the lab state dir */
  hostPath(host: SimHost, path: string): string;
  /**
   * Checks a password xapi is given (`xe -s … -pw`, `remote-password=`) as xapi's session login
   * would; absent, every password is accepted (the xe test harness has no lab password).
   */
  authenticate?(username: string, password: string): boolean;
}

export interface XeResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
