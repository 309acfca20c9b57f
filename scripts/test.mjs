#!/usr/bin/env node
// The one test command (README, CI): type check, lint, format check, then every Jest test.
// Ends with the plain line "N passed, N failed" taken from Jest's own JSON counts.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const jestArgs = process.argv.slice(2);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
const bin = (name) => join(root, 'node_modules', '.bin', name);

const focused = jestArgs.length > 0; // a focused run (a file or -t) skips the static checks
if (!focused) {
  for (const [label, cmd, args] of [
    ['types and build', bin('tsc'), ['-p', 'tsconfig.json']],
    ['assets', process.execPath, [join(root, 'scripts', 'copy-assets.mjs')]],
    ['lint', bin('eslint'), ['--max-warnings=0', 'src', 'test', 'bench']],
    ['module boundaries', process.execPath, [join(root, 'scripts', 'import-zones.mjs'), '--check']],
    ['dead exports', process.execPath, [join(root, 'scripts', 'dead-exports.mjs')]],
    ['format', bin('prettier'), ['--check', '--log-level=warn', 'src', 'test', 'bench']],
  ]) {
    console.log(`\n== ${label}`);
    if (run(cmd, args) !== 0) {
      console.log(`${label} check failed`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
}

mkdirSync(join(root, 'dist'), { recursive: true });
const resultsFile = join(root, 'dist', 'jest-results.json');
console.log('\n== tests');
const status = run(bin('jest'), ['--json', `--outputFile=${resultsFile}`, ...jestArgs]);
let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  // A suite that fails to load has no failing test of its own: count it so the line never reads green.
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
