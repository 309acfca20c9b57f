import { DomainError } from 'src/common/errors/domain-error';

export enum ExecutionErrorCode {
  RunNotFound = 'RUN_NOT_FOUND',
  CaseNotFound = 'CASE_NOT_FOUND',
  LabNotFound = 'LAB_NOT_FOUND',
  RunFinished = 'RUN_ALREADY_FINISHED',
  CaseFinished = 'CASE_ALREADY_FINISHED',
  CaseTimeout = 'CASE_TIMEOUT',
  LeaseLost = 'LEASE_LOST',
  WorkerLost = 'WORKER_LOST',
  NothingToRun = 'RUN_INVALID_NOTHING_TO_RUN',
  /** A request to start a run whose body does not say what to run. */
  RequestInvalid = 'RUN_REQUEST_INVALID',
  NotManual = 'CASE_INVALID_NOT_MANUAL',
  ManualInvalid = 'MANUAL_RESULT_INVALID',
  ScheduleInvalid = 'SCHEDULE_INVALID',
  ScheduleNotFound = 'SCHEDULE_NOT_FOUND',
  /** The lab's quick checks fail for the campaign (start with force to queue anyway). */
  LabNotReady = 'LAB_NOT_READY',
}

export class ExecutionError extends DomainError<ExecutionErrorCode> {}
