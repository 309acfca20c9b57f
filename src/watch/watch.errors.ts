import { DomainError } from 'src/common/errors/domain-error';

export enum WatchErrorCode {
  /** The repository could not be read or its metadata is not yum's. */
  RepositoryUnreadable = 'WATCH_REPOSITORY_UNREADABLE',
  /** A watch setting (URL, filter, repository id) outside what is allowed. */
  SettingInvalid = 'WATCH_SETTING_INVALID',
}

export class WatchError extends DomainError<WatchErrorCode> {}
