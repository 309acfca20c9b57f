/**
 * Who may do what. Roles nest: an admin can do everything a tester can, and a tester everything a
 * submitter can, so `@Roles(Role.Submitter)` admits all three. Anonymous visitors hold no role.
 *
 * - admin: lab inventory, tokens, moderation, and anything not explicitly opened to others;
 * - tester: start, cancel and schedule runs, record manual checks, link known issues;
 * - submitter: submit community results.
 */
export enum Role {
  Admin = 'admin',
  Tester = 'tester',
  Submitter = 'submitter',
}

const RANK: Record<Role, number> = { [Role.Submitter]: 1, [Role.Tester]: 2, [Role.Admin]: 3 };

/** Whether holding `held` grants what `required` grants. */
export function roleIncludes(held: Role, required: Role): boolean {
  return RANK[held] >= RANK[required];
}

/** Roles whose results are trusted without moderation (they can already run campaigns on the core lab). */
export function isTrustedRole(role: Role): boolean {
  return roleIncludes(role, Role.Tester);
}
