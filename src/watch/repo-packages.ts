import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { compareRpm } from 'src/remote/dom0/package-output';
import { WatchError, WatchErrorCode } from 'src/watch/watch.errors';

export interface RepoPackage {
  name: string;
  /** VERSION-RELEASE */
  evr: string;
}

const MAX_REPOMD_BYTES = 1 << 20;
const MAX_PRIMARY_BYTES = 256 << 20;
const TIMEOUT_MS = 60_000;

/** A repository base URL the watcher may read: http(s), no credentials in it, nothing but a path. */
export function checkRepositoryUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WatchError(`repository ${JSON.stringify(text)} is not a URL`, WatchErrorCode.SettingInvalid);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new WatchError(
      `repository ${JSON.stringify(text)}: an http(s) base URL without credentials, query or fragment`,
      WatchErrorCode.SettingInvalid,
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

async function get(url: URL, max: number): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (err) {
    throw new WatchError(`${url.href}: ${(err as Error).message}`, WatchErrorCode.RepositoryUnreadable);
  }
  if (!res.ok) throw new WatchError(`${url.href}: HTTP ${res.status}`, WatchErrorCode.RepositoryUnreadable);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > max) {
    throw new WatchError(`${url.href}: larger than ${max} bytes`, WatchErrorCode.RepositoryUnreadable);
  }
  return body;
}

/** A scalar the XML parser gave (it turns numeric text into numbers), as text; anything else is empty. */
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (n) => n === 'data' || n === 'package',
});

/**
 * What a yum repository offers, as yum learns it: `repodata/repomd.xml`, then the `primary` file it
 * points to (gzip), one entry per package name with its newest VERSION-RELEASE.
 */
export async function readRepository(base: URL): Promise<{ revision: string; packages: RepoPackage[] }> {
  const repomd = parser.parse((await get(new URL('repodata/repomd.xml', base), MAX_REPOMD_BYTES)).toString('utf8')) as {
    repomd?: { revision?: unknown; data?: Array<{ type?: string; location?: { href?: string } }> };
  };
  const href = repomd.repomd?.data?.find((d) => d.type === 'primary')?.location?.href;
  if (typeof href !== 'string' || !/^[\w./-]+$/.test(href) || href.includes('..')) {
    throw new WatchError(`${base.href}: repomd.xml names no primary metadata`, WatchErrorCode.RepositoryUnreadable);
  }
  let xml: string;
  try {
    xml = gunzipSync(await get(new URL(href, base), MAX_PRIMARY_BYTES), {
      maxOutputLength: MAX_PRIMARY_BYTES,
    }).toString('utf8');
  } catch (err) {
    if (err instanceof WatchError) throw err;
    throw new WatchError(
      `${base.href}${href}: not gzip (${(err as Error).message})`,
      WatchErrorCode.RepositoryUnreadable,
    );
  }
  const primary = parser.parse(xml) as {
    metadata?: { package?: Array<{ name?: unknown; version?: { ver?: unknown; rel?: unknown } }> };
  };
  const newest = new Map<string, string>();
  for (const p of primary.metadata?.package ?? []) {
    const name = text(p.name);
    const evr = `${text(p.version?.ver)}-${text(p.version?.rel)}`;
    if (!name) continue;
    const seen = newest.get(name);
    if (!seen || compareRpm(evr, seen) > 0) newest.set(name, evr);
  }
  return {
    revision: text(repomd.repomd?.revision),
    packages: [...newest].map(([name, evr]) => ({ name, evr })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
