/**
 * Readers for JSON the project stored itself (a run's options, its update record) and reads back for
 * a page: each field checked, a damaged or older shape read as absent instead of trusted.
 */
export const jsonObject = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
export const jsonArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const jsonText = (v: unknown): string | null => (typeof v === 'string' ? v : null);
