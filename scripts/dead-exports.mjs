#!/usr/bin/env node
// Dead exports: what a file of src/ exports that no other file (src, test, bench) uses. An export
// nothing outside its own file names is either dead code or a name that should not be exported;
// either way it misleads the next reader about what a folder offers. Run by `npm test` (static
// checks); exits 1 and prints `file:line:col name` for each. `--fix` drops their `export` keyword.
// It asks the TypeScript compiler, not a text search: every identifier of every file is resolved
// to the declaration it names (through imports, re-exports, `import * as`, `typeof import('…')`
// and `require(…) as typeof import(…)`), and an export counts as used when some other file names it.
import ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Programs built from `tsconfig` under `root`; every file it includes is a possible user. */
function createProgram(root, tsconfig = 'tsconfig.json') {
  const configPath = join(root, tsconfig);
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options = { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined };
  return ts.createProgram({ rootNames: parsed.fileNames, options });
}

const isChecked = (root, fileName) => {
  const rel = relative(root, fileName).split(sep).join('/');
  return rel.startsWith('src/') && !rel.endsWith('.spec.ts') && !rel.endsWith('.d.ts');
};

/** The module symbols of the files checked, and every name they export (to skip other identifiers fast). */
function checkedModules(root, program, checker) {
  const modules = [];
  const names = new Set();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || !isChecked(root, file.fileName)) continue;
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (!moduleSymbol) continue; // a script, not a module: nothing exported
    const exports = checker.getExportsOfModule(moduleSymbol);
    modules.push({ file, exports });
    for (const e of exports) names.add(e.getName());
  }
  return { modules, names };
}

/** `[{ file, line, column, name, statement }]` for every export of src/ that no other file uses. */
export function findDeadExports(root, tsconfig) {
  const program = createProgram(root, tsconfig);
  const checker = program.getTypeChecker();
  const resolve = (symbol) =>
    symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const { modules, names } = checkedModules(root, program, checker);
  const usedElsewhere = new Set();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes('/node_modules/')) continue;
    const visit = (node) => {
      if (ts.isIdentifier(node) && names.has(node.text)) {
        const symbol = resolve(checker.getSymbolAtLocation(node));
        // A name that resolves to a declaration in another file uses that declaration.
        if (symbol?.declarations?.some((d) => d.getSourceFile() !== file)) usedElsewhere.add(symbol);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  const dead = [];
  for (const { file, exports } of modules) {
    for (const exported of exports) {
      if (usedElsewhere.has(resolve(exported))) continue;
      const declaration = (exported.declarations ?? [])[0];
      if (!declaration || declaration.getSourceFile() !== file) continue; // re-exported: judged where declared
      const { line, character } = file.getLineAndCharacterOfPosition(declaration.getStart());
      dead.push({
        file: relative(root, file.fileName).split(sep).join('/'),
        line: line + 1,
        column: character + 1,
        name: exported.getName(),
        statement: exportingStatement(declaration),
      });
    }
  }
  return dead.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The statement that carries the `export` keyword of a declaration, if it is one. */
function exportingStatement(declaration) {
  const statement = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  const modifier = ts.canHaveModifiers(statement)
    ? ts.getModifiers(statement)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    : undefined;
  return modifier ? { start: modifier.getStart(), end: modifier.getEnd() } : undefined;
}

/** `--fix`: drops the `export` keyword of each dead export (lint then finds those the file does not use). */
function dropExports(root, dead) {
  const byFile = new Map();
  for (const d of dead.filter((e) => e.statement)) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  for (const [file, entries] of byFile) {
    const path = join(root, file);
    let text = readFileSync(path, 'utf8');
    const starts = [...new Set(entries.map((e) => e.statement.start))].sort((a, b) => b - a);
    for (const start of starts) text = text.slice(0, start) + text.slice(start).replace(/^export\s+/, '');
    writeFileSync(path, text);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const root = args.includes('--root') ? args[args.indexOf('--root') + 1] : join(import.meta.dirname, '..');
  const dead = findDeadExports(root);
  for (const d of dead) console.log(`${d.file}:${d.line}:${d.column} ${d.name} is exported but no other file uses it`);
  if (args.includes('--fix')) dropExports(root, dead);
  if (dead.length)
    console.log(`${dead.length} dead export(s): remove them, or drop \`export\` if the file uses them itself`);
  process.exitCode = dead.length ? 1 : 0;
}
