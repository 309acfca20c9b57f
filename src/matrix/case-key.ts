import { createHash } from 'node:crypto';
import { valueText } from 'src/matrix/canonical';
import type { Params } from 'src/matrix/matrix.types';

/**
 * Canonical identity of a case: `scenario[k1=v1,k2=v2]` with keys sorted and values canonicalised,
 * so the same combination lines up across campaigns, runs, releases and community submissions.
 * A case without parameters is the bare scenario id.
 */
export function caseKey(scenario: string, params: Params): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return scenario;
  return `${scenario}[${keys.map((k) => `${k}=${valueText(params[k] ?? null)}`).join(',')}]`;
}

/** Short stable id for URLs: first 12 hex characters of sha256(caseKey). */
export function caseHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12);
}
