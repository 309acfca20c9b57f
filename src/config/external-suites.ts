import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The external pytest suites a worker may run, declared by its operator (SHAKEDOWN_EXTERNAL_SUITES),
 * never by a campaign: a campaign names one of these and selects tests in it, nothing more. The
 * folder, the interpreter, fixed arguments and which environment reaches the child are the
 * operator's choice.
 */
export interface ExternalSuite {
  name: string;
  /** Absolute path of the suite's checkout on the worker. */
  folder: string;
  /** `python3` (looked up in PATH) or an absolute path to an interpreter (a virtualenv's python). */
  interpreter: string;
  /** Arguments the operator always passes (before the selection), e.g. `["-p", "no:randomly"]`. */
  args: string[];
  /** The variable the pool master's password is put in for the suite. */
  passwordEnv: string;
  /** Variables of the worker's own environment the suite also needs (besides PATH, LANG, HOME, TMPDIR). */
  passEnv: string[];
  /** Which selections a campaign may make. */
  allow: { tests: boolean; keyword: boolean; markers: boolean };
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const suiteSchema = z
  .object({
    name: z.string().regex(NAME, 'a lower-case name (letters, digits, . _ -)'),
    folder: z.string().refine(isAbsolute, 'an absolute path'),
    interpreter: z
      .string()
      .refine((v) => isAbsolute(v) || /^[A-Za-z0-9._-]+$/.test(v), 'an absolute path or a command name such as python3')
      .default('python3'),
    args: z.array(z.string().max(1000)).max(100).default([]),
    password_env: z.string().regex(ENV_NAME, 'an environment variable name').default('SHAKEDOWN_HOST_PASSWORD'),
    pass_env: z.array(z.string().regex(ENV_NAME, 'an environment variable name')).max(50).default([]),
    allow: z
      .array(z.enum(['tests', 'keyword', 'markers']))
      .default(['tests', 'keyword', 'markers'])
      .describe('the selections a campaign may make'),
  })
  .strict();

const suitesSchema = z.array(suiteSchema).max(100);

/** Parsed suites by name. */
export type ExternalSuites = ReadonlyMap<string, ExternalSuite>;

export const NO_EXTERNAL_SUITES: ExternalSuites = new Map();

/**
 * Reads SHAKEDOWN_EXTERNAL_SUITES: inline JSON (starts with `[`) or the path of a YAML/JSON file
 * holding a list of suites. Throws with the reason; the configuration names the variable.
 */
export function loadExternalSuites(value: string | undefined): ExternalSuites {
  if (value === undefined) return NO_EXTERNAL_SUITES;
  const trimmed = value.trim();
  let raw: unknown;
  if (trimmed.startsWith('[')) {
    raw = JSON.parse(trimmed);
  } else {
    raw = parseYaml(readFileSync(trimmed, 'utf8'), { maxAliasCount: 0 });
  }
  const parsed = suitesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || 'suites'}: ${issue.message}`);
  }
  const suites = new Map<string, ExternalSuite>();
  for (const s of parsed.data) {
    if (suites.has(s.name)) throw new Error(`suite ${s.name} is declared twice`);
    const folder = resolve(s.folder);
    const stat = statSync(folder, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) throw new Error(`suite ${s.name}: folder ${folder} is not a directory`);
    // Anyone could drop a conftest.py into a world-writable folder: pytest would import it.
    if ((stat.mode & 0o002) !== 0) throw new Error(`suite ${s.name}: folder ${folder} is world-writable`);
    suites.set(s.name, {
      name: s.name,
      folder,
      interpreter: s.interpreter,
      args: s.args,
      passwordEnv: s.password_env,
      passEnv: s.pass_env,
      allow: {
        tests: s.allow.includes('tests'),
        keyword: s.allow.includes('keyword'),
        markers: s.allow.includes('markers'),
      },
    });
  }
  return suites;
}

/** True when `inner` is `outer` or below it. */
function isWithin(inner: string, outer: string): boolean {
  const rel = relative(resolve(outer), resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Suites must not reach into the data folder (artifacts, uploads), and the data folder must not be
 * inside a suite: otherwise an uploaded file could be collected or imported by pytest.
 */
export function suitesOverlapping(suites: ExternalSuites, dataDir: string): ExternalSuite | undefined {
  return [...suites.values()].find((s) => isWithin(s.folder, dataDir) || isWithin(dataDir, s.folder));
}
