import { DomainError } from 'src/common/errors/domain-error';

export enum CommunityErrorCode {
  SubmissionInvalid = 'SUBMISSION_INVALID',
  SubmissionMalformed = 'SUBMISSION_MALFORMED',
  SubmissionTooLarge = 'SUBMISSION_TOO_LARGE',
  SubmissionRateLimited = 'SUBMISSION_RATE_LIMITED',
  SubmissionUnsupportedMedia = 'SUBMISSION_UNSUPPORTED_MEDIA',
  SubmissionConflict = 'SUBMISSION_CONFLICT',
  SubmissionNotFound = 'SUBMISSION_NOT_FOUND',
  SubmissionState = 'SUBMISSION_STATE',
  HardwareInvalid = 'HARDWARE_INVALID',
  ReleaseUnknown = 'RELEASE_UNKNOWN',
  CompareInvalid = 'COMPARE_INVALID',
}

export class CommunityError extends DomainError<CommunityErrorCode> {}
