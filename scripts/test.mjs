#!/usr/bin/env node
// The one test command (README, CI): type check, lint, format check, then every Jest test.
// Ends with the plain line "N passed, N failed" taken from Jest's own JSON counts.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// `--checks`: the static checks alone, without Jest.
const checksOnly = process.argv[2] === '--checks';
const jestArgs = checksOnly ? [] : process.argv.slice(2);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const node = (script, ...args) => [process.execPath, [join(root, 'scripts', script), ...args]];

/** Runs one check with its output held back, so checks running side by side do not interleave. */
function check(label, [cmd, args]) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (b) => output.push(b));
    child.stderr.on('data', (b) => output.push(b));
    const done = (status) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n== ${label} (${seconds} s)\n${Buffer.concat(output).toString()}`);
      if (status !== 0) console.log(`${label} check failed`);
      resolve(status === 0);
    };
    child.on('error', (err) => {
      output.push(Buffer.from(`${err.message}\n`));
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

// The static checks read the sources only and none needs another's result, so they run side by side:
// on two cores the type-aware lint (the longest) takes one while the others take turns on the other.
// The build comes first in its own chain because Jest's global setup and child processes load dist/.
// prettier keeps a cache of files it found formatted (node_modules/.cache, keyed on their content
// and its options); ESLint keeps none: its type-aware rules read other files than the one cached.
const focused = jestArgs.length > 0; // a focused run (a file or -t) skips the static checks
if (!focused) {
  const results = await Promise.all([
    check('types and build', [bin('tsc'), ['-p', 'tsconfig.json']]).then(
      (ok) => ok && check('assets', node('copy-assets.mjs')),
    ),
    check('lint', [bin('eslint'), ['--max-warnings=0', 'src', 'test', 'bench']]),
    check('module boundaries', node('import-zones.mjs', '--check')),
    check('table owners', node('table-owners.mjs', '--check')),
    check('dead exports', node('dead-exports.mjs')),
    check('format', [
      bin('prettier'),
      ['--check', '--log-level=warn', '--cache', '--cache-strategy', 'content', 'src', 'test', 'bench'],
    ]),
  ]);
  if (results.includes(false)) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  if (checksOnly) process.exit(0);
}

mkdirSync(join(root, 'dist'), { recursive: true });
const resultsFile = join(root, 'dist', 'jest-results.json');
console.log('\n== tests');
// Workers keep what earlier files left (up to workerIdleMemoryLimit) when the adversarial parsers'
// 10 MB inputs arrive (~0.8 GB peak alone): a full run crashed one at V8's default 4 GB ceiling.
// 6 GB per worker, three workers, fits the 24 GiB machines the suite runs on. Jest's workers inherit it.
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, '--max-old-space-size=6144'].filter(Boolean).join(' ');
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
