/**
 * Text the database cannot store or that only an attacker sends: NUL (PostgreSQL text and jsonb
 * refuse it), lone UTF-16 surrogate halves (`"\ud800"` in JSON; jsonb refuses them too) and nesting
 * deeper than any of Shakedown's formats has. Checked once at the edge, so no route stores half of
 * a request and then fails with a 500.
 */
const MAX_JSON_DEPTH = 64;

/** Why `text` is refused, or null. One pass, no backtracking. */
function hostileTextProblem(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return `NUL character at offset ${i}`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `lone UTF-16 surrogate at offset ${i}`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `lone UTF-16 surrogate at offset ${i}`;
  }
  return null;
}

/**
 * The first hostile string (key or value) in a decoded JSON value, or nesting beyond the limit,
 * named by its path (`body.cases[3].params.x`). Iterative, so depth cannot overflow the stack.
 */
export function hostileValueProblem(value: unknown, root = 'body', maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = hostileTextProblem(v);
      if (problem) return `${path}: ${problem}`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return `${path}: nested more than ${maxDepth} levels deep`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const problem = hostileTextProblem(k);
      if (problem) return `${path}: key ${JSON.stringify(k.slice(0, 40))}: ${problem}`;
      stack.push({ value: child, path: `${path}.${k}`, depth: depth + 1 });
    }
  }
  return null;
}
