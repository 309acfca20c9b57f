import type { HelperDelegate } from 'handlebars';
import Handlebars from 'handlebars';

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` are escaped so no value
 * (a case name, an output) can close the tag or open a comment, whatever it contains.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function formatNumber(value: unknown, digits = 3): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return value.toExponential(2);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Number(value.toPrecision(Math.max(digits, Math.ceil(Math.log10(abs + 1))))).toLocaleString('en-US', {
    maximumFractionDigits: 6,
  });
}

export function formatDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatBytes(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function isOptions(v: unknown): v is Handlebars.HelperOptions {
  return typeof v === 'object' && v !== null && 'hash' in v && 'data' in v;
}

/** Drops the trailing Handlebars options argument of a helper call. */
function args(all: unknown[]): unknown[] {
  return all.length && isOptions(all[all.length - 1]) ? all.slice(0, -1) : all;
}

export const templateHelpers: Record<string, HelperDelegate> = {
  json: (value: unknown) => new Handlebars.SafeString(safeJson(value)),
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  add: (a: unknown, b: unknown) => Number(a) + Number(b),
  and: (...all: unknown[]) => args(all).every(Boolean),
  or: (...all: unknown[]) => args(all).some(Boolean),
  not: (a: unknown) => !a,
  includes: (list: unknown, v: unknown) => Array.isArray(list) && list.includes(v),
  num: (v: unknown, digits: unknown) => formatNumber(v, typeof digits === 'number' ? digits : 3),
  pct: (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—'),
  signedPct: (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) ? `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)} %` : '—',
  pvalue: (v: unknown) => (typeof v !== 'number' ? '—' : v < 0.001 ? '< 0.001' : v.toFixed(3)),
  duration: (ms: unknown) => formatDuration(ms),
  bytes: (n: unknown) => formatBytes(n),
  datetime: (d: unknown) => {
    if (!(d instanceof Date) && typeof d !== 'string') return '—';
    const date = new Date(d);
    return Number.isNaN(date.getTime()) ? '—' : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  },
  join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''),
  params: (p: unknown) =>
    typeof p === 'object' && p !== null
      ? Object.entries(p)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(', ')
      : '',
  /** A parameter value as the campaign wrote it: strings bare, anything else as JSON. */
  paramValue: (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)),
  pretty: (v: unknown) => (v == null ? '' : JSON.stringify(v, null, 2)),
  count: (list: unknown) => (Array.isArray(list) ? list.length : 0),
  lookupCount: (counts: unknown, key: unknown) =>
    typeof counts === 'object' && counts !== null ? Number((counts as Record<string, unknown>)[String(key)] ?? 0) : 0,
  /** A URL query string from its pairs (`{{query x=… y=…}}`), values escaped for a URL. */
  query: (options: Handlebars.HelperOptions) =>
    Object.entries(options.hash as Record<string, unknown>)
      .filter(([, v]) => v != null && v !== '')
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v as string))}`)
      .join('&'),
};
