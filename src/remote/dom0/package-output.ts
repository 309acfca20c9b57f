import type { ExecResult } from 'src/remote/exec-result';

/*
 * What dom0's package tools and files print, read into plain values. Pure functions: the commands
 * are run by whoever needs the answer (run preparation, scenarios, lab checks).
 */

/** `KEY='value'` lines of /etc/xensource-inventory, the file every XCP-ng host carries. */
export function parseXensourceInventory(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=['"]?(.*?)['"]?\s*$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** `rpm -qa --qf '%{NAME} %{VERSION}-%{RELEASE}\n'` output → name → version-release. */
export function parseRpmList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [name, version] = line.trim().split(/\s+/);
    if (name && version) out[name] = version;
  }
  return out;
}

/**
 * Lines of yum's output that say something went wrong although yum may still exit 0: errors,
 * failed scriptlets, packages it could not find, failed transactions.
 */
export function yumProblems(r: Pick<ExecResult, 'stdout' | 'stderr'>): string[] {
  const bad =
    /^(Error|error:|Failed:|.*scriptlet failed|Non-fatal .*scriptlet failure|No package .* available|Package\(s\) .* available, but not installed|.*Transaction check error|.*Protected multilib versions)/;
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => bad.test(l));
}

/** rpm's ordering of VERSION-RELEASE strings (digits numerically, letters lexically, digits above letters). */
export function compareRpm(a: string, b: string): number {
  const sa = a.match(/\d+|[a-z]+/gi) ?? [];
  const sb = b.match(/\d+|[a-z]+/gi) ?? [];
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i];
    const y = sb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? 1 : -1;
    if (!nx && x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
