import { DomainError } from 'src/common/errors/domain-error';

export enum MatrixErrorCode {
  ExpressionSyntax = 'MATRIX_EXPRESSION_SYNTAX',
  UnknownParameter = 'MATRIX_UNKNOWN_PARAMETER',
  UnknownValue = 'MATRIX_UNKNOWN_VALUE',
  ExcludeKey = 'MATRIX_EXCLUDE_KEY',
  InvalidSpec = 'MATRIX_INVALID_SPEC',
  SeedRowInvalid = 'MATRIX_SEED_ROW_INVALID',
  TooLarge = 'MATRIX_TOO_LARGE',
}

/**
 * A matrix that cannot be expanded. `where` says which part of the spec is at fault (e.g.
 * `constraints[2]`) and `offset` the character in an expression, so the campaign loader can point
 * at the YAML line.
 */
export class MatrixError extends DomainError<MatrixErrorCode> {
  constructor(
    message: string,
    code: MatrixErrorCode,
    readonly where?: string,
    readonly offset?: number,
  ) {
    super(message, code, { where, offset });
  }
}
