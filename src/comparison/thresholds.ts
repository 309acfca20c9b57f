import type { ComparePolicy, PolicyRules } from 'src/results/stats/compare';

const FIELD_ALIASES: Record<string, keyof ComparePolicy> = {
  minEffectPct: 'minEffectPct',
  min_effect_pct: 'minEffectPct',
  minEffect: 'minEffectPct',
  min_effect: 'minEffectPct',
  effect: 'minEffectPct',
  noisyCvPct: 'noisyCvPct',
  noisy_cv_pct: 'noisyCvPct',
  noisyCv: 'noisyCvPct',
  alpha: 'alpha',
  minSamples: 'minSamples',
  min_samples: 'minSamples',
};

/**
 * Per-metric comparison rules from a case's settings. `thresholds` maps a metric name or glob
 * (`fio.*.clat_p99_us`, `*` or `default` for all) to either a minimum effect in percent (`5`,
 * `'5%'`) or an object of policy fields (`{ minEffectPct: 20, noisyCvPct: 8 }`); later keys win.
 * Anything unreadable is ignored: a typo in settings must not break a report.
 */
export function policyRulesFromSettings(settings: Record<string, unknown>): PolicyRules {
  const raw = settings.thresholds;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  const rules: Array<{ metric: string; policy: Partial<ComparePolicy> }> = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const metric = key === 'default' ? '*' : key;
    const policy: Partial<ComparePolicy> = {};
    const pct = percent(value);
    if (pct !== undefined) policy.minEffectPct = pct;
    else if (typeof value === 'object' && value !== null) {
      for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
        const target = FIELD_ALIASES[field];
        const n = percent(v);
        if (target && n !== undefined) policy[target] = n;
      }
    }
    if (Object.keys(policy).length) rules.push({ metric, policy });
  }
  // Catch-alls first, so a specific metric's rule always wins over `*`.
  return rules.sort((a, b) => Number(b.metric === '*') - Number(a.metric === '*'));
}

function percent(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(v);
    if (m) return Number(m[1]);
  }
  return undefined;
}
