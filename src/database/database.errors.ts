import { DomainError } from 'src/common/errors/domain-error';

export enum DatabaseErrorCode {
  Unreachable = 'DATABASE_UNREACHABLE',
  EmbeddedStartFailed = 'DATABASE_EMBEDDED_START_FAILED',
}

export class DatabaseError extends DomainError<DatabaseErrorCode> {}
