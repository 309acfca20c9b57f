import { DomainError } from 'src/common/errors/domain-error';

export enum SimulatorErrorCode {
  InvalidLabConfig = 'SIM_INVALID_LAB_CONFIG',
  UnknownHost = 'SIM_UNKNOWN_HOST',
  UnknownFault = 'SIM_UNKNOWN_FAULT',
  StartFailed = 'SIM_START_FAILED',
  BadPackage = 'SIM_BAD_PACKAGE',
  BadControlRequest = 'SIM_BAD_CONTROL_REQUEST',
}

export class SimulatorError extends DomainError<SimulatorErrorCode> {}
