import { AuthError, AuthErrorCode } from 'src/auth/auth.errors';

/** The token of an `Authorization: Bearer <token>` header; undefined when there is no header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value ?? '');
  if (!match) {
    // Never echo the header: it may well be a secret in the wrong shape.
    throw new AuthError('the Authorization header must read "Bearer <token>"', AuthErrorCode.Unauthorized);
  }
  return match[1];
}
