import type { z } from 'zod';

/** `hardware.nics[0].driver` from zod's path segments. */
function fieldPath(root: string, path: readonly PropertyKey[]): string {
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

/**
 * Parses a request body or refuses it with the caller's domain error: the message names every
 * faulty field by its path (`evidence[0].name: …`) and the details carry them all.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  refuse: (message: string, details: { problems: FieldProblem[] }) => Error,
  root = '',
): z.output<S> {
  const checked = checkInput(schema, value, root);
  if (!checked.ok) throw refuse(describeProblems(checked.problems), { problems: checked.problems });
  return checked.value;
}
