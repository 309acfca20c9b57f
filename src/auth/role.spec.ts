import { isTrustedRole, Role, roleIncludes } from 'src/auth/role';
import { secretsEqual, tokenPrefix } from 'src/auth/token-secret';
import { bearerToken } from 'src/auth/bearer';

describe('roles', () => {
  it('should nest admin over tester over submitter', () => {
    expect(roleIncludes(Role.Admin, Role.Submitter)).toBe(true);
    expect(roleIncludes(Role.Tester, Role.Submitter)).toBe(true);
    expect(roleIncludes(Role.Tester, Role.Admin)).toBe(false);
    expect(roleIncludes(Role.Submitter, Role.Tester)).toBe(false);
    expect([Role.Admin, Role.Tester, Role.Submitter].map(isTrustedRole)).toEqual([true, true, false]);
  });

  it('should compare secrets of any length and keep only a short prefix', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(tokenPrefix('shk_ABCDEFGHIJKLMNOP')).toBe('shk_ABCDEFGH');
  });

  it('should read Bearer headers and refuse other shapes without echoing them', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(() => bearerToken('Basic c2VjcmV0')).toThrow(/^the Authorization header must read "Bearer <token>"$/);
  });
});
