import { DomainError } from 'src/common/errors/domain-error';

export enum ProvisionerErrorCode {
  LabFileUnreadable = 'NESTED_LAB_FILE_UNREADABLE',
  LabFileInvalid = 'NESTED_LAB_FILE_INVALID',
  StepFailed = 'NESTED_STEP_FAILED',
  StepTimedOut = 'NESTED_STEP_TIMED_OUT',
  NotSupported = 'NESTED_NOT_SUPPORTED',
  StateUnreadable = 'NESTED_STATE_UNREADABLE',
  Cancelled = 'NESTED_CANCELLED',
}

export class ProvisionerError extends DomainError<ProvisionerErrorCode> {}
