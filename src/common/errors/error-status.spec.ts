import { HttpStatus } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DomainError } from 'src/common/errors/domain-error';
import { ERROR_FAMILIES, httpStatusOf, StatusOf } from 'src/common/errors/error-status';
import { MatrixErrorCode } from 'src/matrix/matrix.errors';
import { XeError } from 'src/remote/xe/xe.errors';

class TestError extends DomainError {}

type CodeEnum = Readonly<Record<string, string>>;
type Family = (typeof ERROR_FAMILIES)[number];

const SRC = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every `export enum …ErrorCode` of every file under src/ that declares a DomainError subclass. */
function domainErrorEnums(): Map<string, CodeEnum> {
  const found = new Map<string, CodeEnum>();
  for (const file of sourceFiles(SRC)) {
    if (!/extends DomainError\b/.test(readFileSync(file, 'utf8'))) continue;
    // The file is only known at run time; Jest's CommonJS runtime loads it by path.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(file) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (name.endsWith('ErrorCode')) found.set(`${relative(SRC, file)}:${name}`, value as CodeEnum);
    }
  }
  return found;
}

/** What is wrong with the map, as sentences; empty when every code of every enum has its status. */
function auditErrorMap(enums: Map<string, CodeEnum>, families: readonly Family[]): string[] {
  const problems: string[] = [];
  for (const [name, codes] of enums) {
    const family = families.find((f) => f.codes === codes);
    if (!family) {
      problems.push(`${name} is not in ERROR_FAMILIES`);
      continue;
    }
    for (const code of Object.values(codes)) {
      if (!(code in family.statuses)) problems.push(`${name}: ${code} has no status`);
    }
  }
  const seen = new Map<string, number>();
  for (const family of families) {
    for (const [code, status] of Object.entries<number>(family.statuses)) {
      if (status < 400 || status > 599) problems.push(`${code}: ${status} is not an error status`);
      if (seen.has(code) && seen.get(code) !== status) problems.push(`${code} is mapped twice, differently`);
      seen.set(code, status);
    }
  }
  return problems;
}

describe('the error map', () => {
  const enums = domainErrorEnums();

  it('should find the code enums of every domain', () => {
    // A guard on the finder itself: if it found nothing, the audit below would pass vacuously.
    expect(enums.size).toBeGreaterThanOrEqual(ERROR_FAMILIES.length);
  });

  it('should give every code of every domain error enum its status', () => {
    expect(auditErrorMap(enums, ERROR_FAMILIES)).toEqual([]);
  });

  it('should report an enum left out of the map, and a code left out of its family', () => {
    enum ForgottenErrorCode {
      Lost = 'FORGOTTEN_LOST',
    }
    enum PartlyErrorCode {
      Kept = 'PARTLY_KEPT',
      Dropped = 'PARTLY_DROPPED',
    }
    const partly = { codes: PartlyErrorCode, statuses: { PARTLY_KEPT: HttpStatus.BAD_REQUEST } };
    const audited = new Map<string, CodeEnum>([
      ['forgotten.errors.ts:ForgottenErrorCode', ForgottenErrorCode],
      ['partly.errors.ts:PartlyErrorCode', PartlyErrorCode],
    ]);
    expect(auditErrorMap(audited, [...ERROR_FAMILIES, partly])).toEqual([
      'forgotten.errors.ts:ForgottenErrorCode is not in ERROR_FAMILIES',
      'partly.errors.ts:PartlyErrorCode: PARTLY_DROPPED has no status',
    ]);
  });

  it('should refuse, at type level, a family that misses a code', () => {
    // @ts-expect-error: MATRIX_TOO_LARGE and the others are missing, which `npm run check` refuses.
    const partial: StatusOf<MatrixErrorCode> = { [MatrixErrorCode.ExpressionSyntax]: HttpStatus.BAD_REQUEST };
    expect(Object.keys(partial)).toHaveLength(1);
  });
});

describe(httpStatusOf.name, () => {
  it.each([
    ['RUN_NOT_FOUND', 404],
    ['CAMPAIGN_INVALID', 400],
    ['CAMPAIGN_UNKNOWN_SUITE', 400],
    ['MATRIX_EXPRESSION_SYNTAX', 400],
    ['NESTED_STATE_UNREADABLE', 500],
    ['SUBMISSION_TOO_LARGE', 413],
    ['AUTH_UNAUTHORIZED', 401],
    ['AUTH_FORBIDDEN', 403],
    ['SUBMISSION_RATE_LIMITED', 429],
    ['RUN_ALREADY_FINISHED', 409],
    ['DATABASE_UNREACHABLE', 503],
    ['REMOTE_TIMEOUT', 504],
  ])('should map %s to %i', (code, status) => {
    expect(httpStatusOf(new TestError('x', code))).toBe(status);
  });

  it('should answer 500 for a code no enum declares', () => {
    expect(httpStatusOf(new TestError('x', 'SOMETHING_ODD'))).toBe(500);
  });

  it("should answer 502 for xapi's own codes, which come from the host", () => {
    const err = new XeError('xe vm-start failed', 'VM_BAD_POWER_STATE', 'vm-start', 'h1', {}, [], 1, '');
    expect(httpStatusOf(err)).toBe(502);
  });
});
