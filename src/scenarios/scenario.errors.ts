import { DomainError } from 'src/common/errors/domain-error';

/** A verification a scenario made about the product failed: a product failure, never retried. */
export enum ScenarioErrorCode {
  CheckFailed = 'SCENARIO_CHECK_FAILED',
  DataMismatch = 'SCENARIO_DATA_MISMATCH',
  Unexpected = 'SCENARIO_UNEXPECTED_STATE',
  UnknownScenario = 'SCENARIO_NOT_FOUND',
  BadParams = 'SCENARIO_INVALID_PARAMS',
}

export class ScenarioError extends DomainError<ScenarioErrorCode> {}
