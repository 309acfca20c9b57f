import { DomainError } from 'src/common/errors/domain-error';

export enum ReportsErrorCode {
  RunNotFound = 'REPORT_RUN_NOT_FOUND',
  CaseNotFound = 'REPORT_CASE_NOT_FOUND',
  ArtifactNotFound = 'REPORT_ARTIFACT_NOT_FOUND',
  CompareInvalid = 'REPORT_COMPARE_INVALID',
  ReleaseInvalid = 'REPORT_RELEASE_INVALID',
  KnownIssueInvalid = 'REPORT_KNOWN_ISSUE_INVALID',
  ExportFormatInvalid = 'REPORT_EXPORT_FORMAT_INVALID',
}

/** A report, page or export asked for something the results store does not hold or cannot give. */
export class ReportsError extends DomainError<ReportsErrorCode> {}

export function runNotFound(number: number | string): ReportsError {
  return new ReportsError(`run ${number} does not exist`, ReportsErrorCode.RunNotFound, { run: number });
}
