import { Role } from 'src/auth/role';

/** Who is calling: the configured admin, the holder of an API token, or nobody in particular. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'config-admin'; role: Role.Admin; name: string }
  | { kind: 'token'; role: Role; name: string; tokenId: string; tokenPrefix: string };

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

export function principalRole(principal: Principal): Role | undefined {
  return principal.kind === 'anonymous' ? undefined : principal.role;
}

/** The name shown next to results and in logs (never the token). */
export function principalName(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.name;
}

export function principalTokenId(principal: Principal): string | null {
  return principal.kind === 'token' ? principal.tokenId : null;
}
