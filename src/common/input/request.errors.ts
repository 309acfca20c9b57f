import { DomainError } from 'src/common/errors/domain-error';

/** Refusals of a request before any route sees it: its size, encoding, framing or hostile text. */
export enum RequestErrorCode {
  TooLarge = 'REQUEST_TOO_LARGE',
  UnsupportedEncoding = 'REQUEST_UNSUPPORTED_ENCODING',
  Malformed = 'REQUEST_MALFORMED',
  HostileText = 'REQUEST_HOSTILE_TEXT',
}

export class RequestError extends DomainError<RequestErrorCode> {}
