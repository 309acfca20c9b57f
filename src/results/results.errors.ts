import { DomainError } from 'src/common/errors/domain-error';

export enum ResultsErrorCode {
  FioNoJson = 'FIO_NO_JSON',
  FioBadJson = 'FIO_BAD_JSON',
  FioBadShape = 'FIO_BAD_SHAPE',
  JunitMalformed = 'JUNIT_MALFORMED',
  JunitUnsafe = 'JUNIT_UNSAFE',
  JunitBadShape = 'JUNIT_BAD_SHAPE',
  StatsBadInput = 'STATS_BAD_INPUT',
}

/** Input handed to the results layer (a file, a submission) could not be understood. */
export class ResultsError extends DomainError<ResultsErrorCode> {}
