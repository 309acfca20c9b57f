import { DomainError } from 'src/common/errors/domain-error';

export enum ConfigErrorCode {
  Invalid = 'CONFIG_INVALID',
}

export class ConfigError extends DomainError<ConfigErrorCode> {
  constructor(message: string, variable: string) {
    super(`invalid configuration: ${message}`, ConfigErrorCode.Invalid, { variable });
  }
}
