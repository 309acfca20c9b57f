import { DomainError } from 'src/common/errors/domain-error';

/** Why talking to a host failed. Every one of these is an infrastructure error, never a product failure. */
export enum RemoteErrorCode {
  ConnectionRefused = 'REMOTE_CONNECTION_REFUSED',
  Unreachable = 'REMOTE_UNREACHABLE',
  AuthFailed = 'REMOTE_AUTH_FAILED',
  HostKeyMismatch = 'REMOTE_HOST_KEY_MISMATCH',
  Timeout = 'REMOTE_TIMEOUT',
  Aborted = 'REMOTE_ABORTED',
  ConnectionLost = 'REMOTE_CONNECTION_LOST',
  ChannelFailed = 'REMOTE_CHANNEL_FAILED',
  CredentialUnavailable = 'REMOTE_CREDENTIAL_UNAVAILABLE',
  XapiUnavailable = 'REMOTE_XAPI_UNAVAILABLE',
  PoolClosed = 'REMOTE_POOL_CLOSED',
  /** A command the product relies on (a PowerShell script in a Windows guest) exited non-zero. */
  CommandFailed = 'REMOTE_COMMAND_FAILED',
}

/** Codes worth another attempt: the host or its toolstack may come back. */
const RETRYABLE: ReadonlySet<RemoteErrorCode> = new Set([
  RemoteErrorCode.ConnectionRefused,
  RemoteErrorCode.Unreachable,
  RemoteErrorCode.Timeout,
  RemoteErrorCode.ConnectionLost,
  RemoteErrorCode.ChannelFailed,
  RemoteErrorCode.XapiUnavailable,
]);

/**
 * A failure to run something on a host (as opposed to a command that ran and failed). Messages name
 * the host and what was attempted, never a secret and never the full command line (it may carry one).
 */
export class RemoteError extends DomainError<RemoteErrorCode> {
  readonly infra = true;

  constructor(
    message: string,
    code: RemoteErrorCode,
    readonly host: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, code, { host, ...details });
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}
