import type { z } from 'zod';

/** `hardware.nics[0].driver` from zod's path segments. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(body)' : out;
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** Validates input against a schema; the problems name each field by its full path. */
export function checkInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root = '',
): { ok: true; value: z.output<S> } | { ok: false; problems: FieldProblem[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => ({ path: fieldPath(root, issue.path), message: issue.message }));
  return { ok: false, problems };
}

export function describeProblems(problems: readonly FieldProblem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => `${p.path}: ${p.message}`);
  if (problems.length > max) shown.push(`and ${problems.length - max} more`);
  return shown.join('; ');
}
