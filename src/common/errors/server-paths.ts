import { resolve, sep } from 'node:path';

/**
 * The folders of this server a message may mention by accident (an fs error, a stack, a campaign
 * file's diagnostics), each with what a user is shown instead; the data folder first, as it usually
 * lies inside the project folder. Home and temp folders are left alone: results from test hosts
 * legitimately name `/root/…` and `/tmp/…` there.
 */
function serverRoots(): Array<[string, string]> {
  const roots: Array<[string | undefined, string]> = [
    [process.env.SHAKEDOWN_DATA_DIR ? resolve(process.env.SHAKEDOWN_DATA_DIR) : undefined, '<data>'],
    [process.cwd(), '.'],
  ];
  return roots
    .filter((r): r is [string, string] => typeof r[0] === 'string' && r[0].length > 1)
    .sort((a, b) => b[0].length - a[0].length);
}

/**
 * `text` with this server's absolute paths made relative: `/srv/shakedown/campaigns/x.yaml` becomes
 * `./campaigns/x.yaml`. Applied where text leaves for users (error answers, pages, exports), so no
 * answer tells a caller where the service is installed or whose home it runs in.
 */
export function withoutServerPaths(text: string, roots = serverRoots()): string {
  let out = text;
  for (const [root, shown] of roots) {
    if (!out.includes(root)) continue;
    out = out.split(`${root}${sep}`).join(`${shown}${sep}`);
    // The root itself, where it ends a word (`cannot read /srv/shakedown`), not as a prefix of another name.
    out = out.replace(new RegExp(`${escapeRegExp(root)}(?![\\w.-])`, 'g'), shown);
  }
  return out;
}

/** Every string inside a JSON-like value, rewritten by withoutServerPaths; other values kept. */
export function withoutServerPathsDeep<T>(value: T, roots = serverRoots()): T {
  if (typeof value === 'string') return withoutServerPaths(value, roots) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutServerPathsDeep(v, roots)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withoutServerPathsDeep(v, roots);
    return out as T;
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
