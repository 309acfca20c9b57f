#!/usr/bin/env node
// The module boundaries of src/, read from the table in docs/architecture.md and turned into
// ESLint `no-restricted-imports` rules (eslint.config.mjs), so the document is the rule: a folder
// may import its own files and what its row lists, nothing else.
// `node scripts/import-zones.mjs` prints the table as JSON; `--check` compares it with the imports
// found in src/ (every folder has a row, every listed import is used) and exits 1 on a gap;
// `--probe src/x/file.ts < text` prints, as JSON, what the boundary rule says of that text there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const START = '<!-- import-zones:start -->';
const END = '<!-- import-zones:end -->';
const RELATIVE_PARENT = { group: ['../*'], message: 'Import through src/… instead of ../' };

/** Rows of the table: `{ folder: 'reports/read', allowed: ['matrix', 'reports/reports.errors', '*.errors'] }`. */
export function readImportZones(root) {
  const text = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/architecture.md: no ${START} … ${END} table`);
  const rows = text
    .slice(start + START.length, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  return rows.map((line) => {
    const [folderCell, allowedCell = ''] = line.split('|').slice(1);
    const ticked = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\/$/, ''));
    const [folder] = ticked(folderCell);
    return { folder, allowed: ticked(allowedCell).filter((a) => a !== 'nothing') };
  });
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One allowed entry as a regular expression over the part of a specifier after `src/`. */
function allowedPattern(root, entry) {
  if (entry === '*.errors') return '(?:[^/]+/)*[^/]+\\.errors$';
  const path = join(root, 'src', entry);
  if (existsSync(path) && statSync(path).isDirectory()) return `${escape(entry)}(?:/|$)`;
  return `${escape(entry)}$`;
}

/** The specifiers a row refuses: every `src/…` except its own folder and what it lists. */
export function forbiddenRegex(root, zone) {
  const allowed = [zone.folder, ...zone.allowed].map((entry) => allowedPattern(root, entry));
  return `^src/(?!${allowed.join('|')})`;
}

/** ESLint flat-config blocks, one per row; a deeper row (reports/read) wins over its parent's. */
export function importZoneConfigs(root) {
  const zones = readImportZones(root).sort((a, b) => a.folder.split('/').length - b.folder.split('/').length);
  return zones.map((zone) => ({
    files: [`src/${zone.folder}/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            RELATIVE_PARENT,
            {
              regex: forbiddenRegex(root, zone),
              message: `src/${zone.folder} may import only ${zone.allowed.length ? zone.allowed.join(', ') : 'its own files'} (docs/architecture.md, "Module boundaries")`,
            },
          ],
        },
      ],
    },
  }));
}

export const relativeParentRule = ['error', { patterns: [RELATIVE_PARENT] }];

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Gaps between the table and the code, as sentences (the lint itself catches forbidden imports). */
export function checkImportZones(root) {
  const zones = readImportZones(root);
  const problems = [];
  const src = join(root, 'src');
  for (const folder of readdirSync(src, { withFileTypes: true })) {
    if (folder.isDirectory() && !zones.some((z) => z.folder === folder.name)) {
      problems.push(`src/${folder.name} has no row in docs/architecture.md`);
    }
  }
  const zoneOf = (file) =>
    zones.filter((z) => file.startsWith(`${z.folder}/`)).sort((a, b) => b.folder.length - a.folder.length)[0];
  const used = new Map(zones.map((z) => [z, new Set()]));
  for (const file of sourceFiles(src)) {
    const rel = relative(src, file).split(sep).join('/');
    const zone = zoneOf(rel);
    if (!zone) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(src\/[^']+)'/g)) {
      const target = m[1].slice('src/'.length);
      for (const entry of zone.allowed) {
        if (new RegExp(`^(?:${allowedPattern(root, entry)})`).test(target)) used.get(zone).add(entry);
      }
    }
  }
  for (const [zone, entries] of used) {
    for (const entry of zone.allowed) {
      if (!entries.has(entry)) problems.push(`src/${zone.folder} lists ${entry} but imports nothing of it`);
    }
  }
  return problems;
}

/** The boundary rule alone (no type information needed) on a text as if it were the file `path`. */
async function probe(root, path, text) {
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const [result] = await eslint.lintText(text, { filePath: join(root, path) });
  return result.messages.map((m) => ({ line: m.line, message: m.message }));
}

async function main(args) {
  const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const root = option('--root') ?? join(import.meta.dirname, '..');
  if (option('--probe')) {
    console.log(JSON.stringify(await probe(root, option('--probe'), readFileSync(0, 'utf8'))));
  } else if (args.includes('--check')) {
    const problems = checkImportZones(root);
    for (const p of problems) console.log(p);
    process.exitCode = problems.length ? 1 : 0;
  } else {
    console.log(JSON.stringify(readImportZones(root), null, 2));
  }
}

// No top-level await: ESLint imports this file (through eslint.config.mjs) while --probe runs.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
