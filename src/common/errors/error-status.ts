import { DomainError } from 'src/common/errors/domain-error';

/**
 * The one place where domain error codes become HTTP statuses (and, through the CLI, exit codes).
 * Codes are SCREAMING_SNAKE and say their kind in a word the rules below recognise, so a new
 * domain adds codes without touching this file: FOO_NOT_FOUND is a 404, FOO_INVALID a 400, …
 */
const rules: Array<[RegExp, number]> = [
  [/(^|_)UNAUTHORI[SZ]ED($|_)|(^|_)UNAUTHENTICATED($|_)/, 401],
  [/(^|_)FORBIDDEN($|_)/, 403],
  [/(^|_)NOT_FOUND($|_)|(^|_)UNKNOWN($|_)/, 404],
  [/(^|_)(CONFLICT|EXISTS|ALREADY|BUSY|STATE)($|_)/, 409],
  [/(^|_)TOO_LARGE($|_)/, 413],
  [/(^|_)UNSUPPORTED_MEDIA($|_)/, 415],
  [/(^|_)RATE_LIMITED($|_)/, 429],
  [/(^|_)(INVALID|MALFORMED|BAD|PARSE|SCHEMA|VALIDATION|MISSING)($|_)/, 400],
  [/(^|_)(UNAVAILABLE|UNREACHABLE|START_FAILED)($|_)/, 503],
];

export function httpStatusOf(error: DomainError): number {
  for (const [pattern, status] of rules) if (pattern.test(error.code)) return status;
  return 500;
}
