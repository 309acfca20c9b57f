import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_PREFIX = 'shk_';
/** Characters kept in clear (in the database and listings) so a person can tell tokens apart. */
const SHOWN_LENGTH = TOKEN_PREFIX.length + 8;

/** A new API token: 256 random bits, recognisable by its `shk_` prefix. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the token. Tokens are random, so a plain sha256 is enough (no salt, no KDF). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenPrefix(token: string): string {
  return token.slice(0, SHOWN_LENGTH);
}

/** Compares secrets without leaking, through timing, how many leading characters matched. */
export function secretsEqual(given: string, expected: string): boolean {
  // Hashing first makes both sides the same length, so the length itself leaks nothing either.
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
