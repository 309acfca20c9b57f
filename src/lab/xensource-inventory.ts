/** `KEY='value'` lines of /etc/xensource-inventory, the file every XCP-ng host carries. */
export function parseXensourceInventory(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=['"]?(.*?)['"]?\s*$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
