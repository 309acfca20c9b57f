import { CaseParams } from 'src/scenarios/scenario.types';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';

/** A case parameter that must be one of `allowed` (the campaign contract); a wrong one is a bad case, not a product failure. */
export function oneOf<T extends string>(params: CaseParams, name: string, allowed: readonly T[], fallback?: T): T {
  const value = params[name] ?? fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ScenarioError(
    `parameter ${name}=${JSON.stringify(value)} is not one of ${allowed.join(', ')}`,
    ScenarioErrorCode.BadParams,
    { parameter: name, value },
  );
}

/** The suite's `with:` block. */
export function withSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const w = settings.with;
  return w !== null && typeof w === 'object' && !Array.isArray(w) ? (w as Record<string, unknown>) : {};
}

export function settingString(settings: Record<string, unknown>, name: string): string | undefined {
  const v = withSettings(settings)[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function settingNumber(settings: Record<string, unknown>, name: string, fallback: number): number {
  const v = withSettings(settings)[name];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

export function settingMap(settings: Record<string, unknown>, name: string): Record<string, string> {
  const v = withSettings(settings)[name];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function settingList(settings: Record<string, unknown>, name: string): string[] {
  const v = withSettings(settings)[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}
