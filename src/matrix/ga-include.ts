import { valueEquals } from 'src/matrix/canonical';
import type { Params } from 'src/matrix/matrix.types';

interface IncludedCombination {
  params: Params;
  origin: 'base' | 'include';
}

/**
 * GitHub Actions `include`, entry by entry: the entry's pairs are added to every base combination
 * where none of them would overwrite an original (axis) value; values added by earlier entries may
 * be overwritten. An entry that fits no base combination becomes a job of its own, and such jobs are
 * never extended by later entries.
 */
export function applyIncludes(
  base: Params[],
  axisNames: ReadonlySet<string>,
  includes: readonly Params[],
): IncludedCombination[] {
  const out: IncludedCombination[] = base.map((params) => ({ params, origin: 'base' }));
  const baseCount = out.length;
  for (const entry of includes) {
    const entries = Object.entries(entry);
    const axisPairs = entries.filter(([k]) => axisNames.has(k));
    const extra = entries.filter(([k]) => !axisNames.has(k));
    let matched = false;
    for (let i = 0; i < baseCount; i++) {
      const combo = out[i] as IncludedCombination;
      if (!axisPairs.every(([k, v]) => k in combo.params && valueEquals(combo.params[k] ?? null, v))) continue;
      matched = true;
      if (extra.length > 0) combo.params = { ...combo.params, ...Object.fromEntries(extra) };
    }
    if (!matched) out.push({ params: { ...entry }, origin: 'include' });
  }
  return out;
}
