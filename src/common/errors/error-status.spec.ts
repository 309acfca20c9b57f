import { DomainError } from 'src/common/errors/domain-error';
import { httpStatusOf } from 'src/common/errors/error-status';

class TestError extends DomainError {}

describe(httpStatusOf.name, () => {
  it.each([
    ['RUN_NOT_FOUND', 404],
    ['CAMPAIGN_INVALID', 400],
    ['SUBMISSION_TOO_LARGE', 413],
    ['AUTH_UNAUTHORIZED', 401],
    ['AUTH_FORBIDDEN', 403],
    ['SUBMISSION_RATE_LIMITED', 429],
    ['LEASE_CONFLICT', 409],
    ['DATABASE_UNREACHABLE', 503],
    ['SOMETHING_ODD', 500],
  ])('should map %s to %i', (code, status) => {
    expect(httpStatusOf(new TestError('x', code))).toBe(status);
  });
});
