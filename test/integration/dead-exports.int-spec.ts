import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'dead-exports.mjs');

/** A tiny project laid out like this one (src/, test/, `src/…` imports), in a fresh folder. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dead-exports-'));
  const tsconfig = {
    compilerOptions: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      baseUrl: '.',
      paths: { 'src/*': ['src/*'] },
      types: [],
    },
    include: ['src/**/*.ts', 'test/**/*.ts'],
  };
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(root: string, ...args: string[]): { status: number | null; lines: string[] } {
  const res = spawnSync(process.execPath, [SCRIPT, '--root', root, ...args], { encoding: 'utf8' });
  return { status: res.status, lines: res.stdout.split('\n').filter(Boolean) };
}

describe('dead-export check (scripts/dead-exports.mjs, run by npm test)', () => {
  const files = {
    'src/shapes.ts': [
      'export interface Point { x: number; y: number }',
      'export const ORIGIN: Point = { x: 0, y: 0 };',
      'export function unused(): number { return 1; }',
      'export function helper(p: Point): number { return p.x; }',
      'export function length(p: Point): number { return helper(p) + p.y; }',
      'export const seen = 1, alsoSeen = 2;',
    ].join('\n'),
    'src/api.ts': "export { length } from 'src/shapes';\n",
    'src/use.ts':
      "import { length } from 'src/api';\nimport * as shapes from 'src/shapes';\nexport const n = length(shapes.ORIGIN);\n",
    'src/lazy.ts': "export const viaRequire = (require('src/use') as typeof import('src/use')).n;\n",
    'test/shapes.int-spec.ts':
      "import type { Point } from 'src/shapes';\nimport { viaRequire } from 'src/lazy';\nexport const p: Point = { x: viaRequire, y: 0 };\n",
  };

  it('should name each export no other file uses, at its file:line:col, and fail', () => {
    const root = project(files);
    try {
      const { status, lines } = check(root);
      expect(lines.slice(0, -1)).toEqual([
        'src/shapes.ts:3:1 unused is exported but no other file uses it',
        'src/shapes.ts:4:1 helper is exported but no other file uses it',
        'src/shapes.ts:6:14 seen is exported but no other file uses it',
        'src/shapes.ts:6:24 alsoSeen is exported but no other file uses it',
      ]);
      expect(lines.at(-1)).toMatch(/^4 dead export\(s\)/);
      expect(status).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('should count uses through re-exports, namespaces, typeof import() and tests, and pass when all are used', () => {
    const root = project({
      ...files,
      'src/shapes.ts': [
        'export interface Point { x: number; y: number }',
        'export const ORIGIN: Point = { x: 0, y: 0 };',
        'export function length(p: Point): number { return p.x + p.y; }',
      ].join('\n'),
    });
    try {
      expect(check(root)).toEqual({ status: 0, lines: [] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('should drop the export keyword of each dead export with --fix, leaving the rest as it was', () => {
    const root = project(files);
    try {
      check(root, '--fix');
      expect(readFileSync(join(root, 'src', 'shapes.ts'), 'utf8').split('\n')).toEqual([
        'export interface Point { x: number; y: number }',
        'export const ORIGIN: Point = { x: 0, y: 0 };',
        'function unused(): number { return 1; }',
        'function helper(p: Point): number { return p.x; }',
        'export function length(p: Point): number { return helper(p) + p.y; }',
        'const seen = 1, alsoSeen = 2;',
      ]);
      expect(check(root)).toEqual({ status: 0, lines: [] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
