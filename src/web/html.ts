import { isRunNumber } from 'src/common/input/run-number';
import type { Response } from 'express';

/**
 * Headers of every HTML page. The pages load scripts from /static only; the CSP makes an injected
 * inline script inert even if escaping were ever missed somewhere.
 */
export function sendHtml(res: Response, html: string): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.type('html').send(html);
}

/** A query value as a list (`?outcome=failed&outcome=xpassed` or `?outcome=failed,xpassed`); blanks dropped. */
export function listParam(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items
    .flatMap((v) => String(v as string).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function intParam(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return isRunNumber(n) ? n : undefined;
}
