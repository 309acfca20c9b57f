#!/usr/bin/env node
// Who may write SQL against which table, read from the table in docs/architecture.md, so the
// document is the rule: a table's statements live in its owner, and other domains reach the table
// through the owner's service. Files that still read a table they do not own are listed beside it,
// by name, so the list can only shrink: `--check` fails when a file names a table it neither owns
// nor is listed for, when a listed file no longer names it, and when a table of the migrations has
// no row (`--root DIR` checks another tree). `node scripts/table-owners.mjs` prints, as JSON, which files name which table.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const START = '<!-- table-owners:start -->';
const END = '<!-- table-owners:end -->';

/** Rows: `{ table: 'runs', owner: 'execution/run.repository.ts', readers: ['metrics/metrics.repository.ts'] }`. */
export function readTableOwners(root) {
  const text = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/architecture.md: no ${START} … ${END} table`);
  return text
    .slice(start + START.length, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const ticked = (cell = '') => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      const [tableCell, ownerCell, readersCell] = line.split('|').slice(1);
      return { table: ticked(tableCell)[0], owner: ticked(ownerCell)[0], readers: ticked(readersCell) };
    });
}

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const MIGRATIONS = 'database/migrations/';

/** The tables the migrations create. */
function migratedTables(root) {
  const dir = join(root, 'src', MIGRATIONS);
  const tables = new Set();
  for (const file of tsFiles(dir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_]+)/g))
      tables.add(m[1]);
  }
  return tables;
}

/**
 * Which product files name which table in SQL (`FROM`, `JOIN`, `INTO`, `UPDATE`, `TABLE` before
 * the name; SQL keywords are written in capitals here). Migrations shape every table and specs may
 * look anywhere; the simulator has no database.
 */
export function tableMentions(root, tables) {
  const pattern = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+(${[...tables].join('|')})\\b`, 'g');
  const mentions = new Map([...tables].map((t) => [t, new Set()]));
  for (const path of tsFiles(join(root, 'src'))) {
    const file = relative(join(root, 'src'), path).split(sep).join('/');
    if (file.startsWith(MIGRATIONS) || file.startsWith('simulator/') || file.endsWith('.spec.ts')) continue;
    for (const m of readFileSync(path, 'utf8').matchAll(pattern)) mentions.get(m[1]).add(file);
  }
  return mentions;
}

/** Every disagreement between the table of owners and the code, one sentence each. */
export function ownershipProblems(root) {
  const rows = readTableOwners(root);
  const tables = migratedTables(root);
  const problems = [];
  for (const t of tables) {
    if (!rows.some((r) => r.table === t)) problems.push(`table ${t} (created by a migration) has no owner row`);
  }
  const known = rows.filter((r) => {
    if (tables.has(r.table)) return true;
    problems.push(`row ${r.table}: no migration creates this table`);
    return false;
  });
  const mentions = tableMentions(root, new Set(known.map((r) => r.table)));
  for (const { table, owner, readers } of known) {
    const found = mentions.get(table);
    for (const file of found) {
      if (file !== owner && !readers.includes(file)) {
        problems.push(`src/${file} names table ${table} in SQL: it belongs to src/${owner}; go through its service`);
      }
    }
    for (const file of [owner, ...readers]) {
      if (!found.has(file))
        problems.push(`row ${table}: src/${file} does not name the table in SQL; drop it from the row`);
    }
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rootAt = process.argv.indexOf('--root');
  const root = rootAt > 0 ? process.argv[rootAt + 1] : process.cwd();
  if (process.argv.includes('--check')) {
    const problems = ownershipProblems(root);
    for (const p of problems) console.log(p);
    process.exit(problems.length === 0 ? 0 : 1);
  }
  const mentions = tableMentions(root, migratedTables(root));
  console.log(JSON.stringify(Object.fromEntries([...mentions].map(([t, files]) => [t, [...files].sort()])), null, 2));
}
