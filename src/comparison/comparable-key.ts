import { caseKey } from 'src/matrix/case-key';
import type { Params } from 'src/matrix/matrix.types';

/** The parameter that tells the two sides of a "two releases in one campaign" run apart. */
export const RELEASE_PARAM = 'release';

/**
 * The identity under which a baseline and a candidate result line up: the case key without its
 * `release` parameter, so `fio[release=8.2,rw=read]` meets `fio[release=8.3,rw=read]`.
 */
export function comparableKey(scenario: string, params: Record<string, unknown>): string {
  const rest: Params = {};
  for (const [k, v] of Object.entries(params)) if (k !== RELEASE_PARAM) rest[k] = v as Params[string];
  return caseKey(scenario, rest);
}
