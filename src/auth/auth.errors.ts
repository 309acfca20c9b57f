import { DomainError } from 'src/common/errors/domain-error';

export enum AuthErrorCode {
  Unauthorized = 'AUTH_UNAUTHORIZED',
  Forbidden = 'AUTH_FORBIDDEN',
  TokenNotFound = 'TOKEN_NOT_FOUND',
  TokenState = 'TOKEN_STATE',
  TokenInvalid = 'TOKEN_INVALID',
  RegistrationRateLimited = 'REGISTRATION_RATE_LIMITED',
  CsrfForbidden = 'CSRF_FORBIDDEN',
  SignInInvalid = 'SIGN_IN_INVALID',
  NameTaken = 'NAME_TAKEN',
}

export class AuthError extends DomainError<AuthErrorCode> {}
