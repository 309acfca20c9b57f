/**
 * Start-up time of the `shakedown` command, wall clock per process, against `node -e 0` (the floor
 * nothing can beat) measured in the same run, in alternating rounds so that load from elsewhere on
 * the machine hits every command alike:
 *   version          – `shakedown --version`
 *   validate         – `shakedown campaign validate campaigns/demo.yaml` (loads and expands it)
 *   validate release – the same on campaigns/xcp-ng-release.yaml, whose pairwise search alone takes
 *                      about 0.4 s of CPU by design (its work budget, src/matrix/covering.ts)
 *   help             – `shakedown --help`, which loads every command: what any call cost before
 *                      commands were loaded lazily
 * Goal: version and validate finish in ≤ 250 ms (medians).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = [join(__dirname, '..'), join(__dirname, '..', '..')].find((d) => existsSync(join(d, 'package.json')))!;
const BIN = join(ROOT, 'bin', 'shakedown.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GOAL_MS = 250;

const COMMANDS: Record<string, string[]> = {
  node: ['-e', '0'],
  version: [BIN, '--version'],
  validate: [BIN, 'campaign', 'validate', join(ROOT, 'campaigns', 'demo.yaml')],
  validateRelease: [BIN, 'campaign', 'validate', join(ROOT, 'campaigns', 'xcp-ng-release.yaml')],
  help: [BIN, '--help'],
};

function timeOnce(args: string[]): number {
  const start = performance.now();
  // Without npm's environment: npx/npm run add their own start-up, which users skip with bin/shakedown.js.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_PATH: '' };
  const res = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - start;
  if (res.status !== 0) throw new Error(`node ${args.join(' ')} exited ${res.status}: ${res.stderr.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function main(): void {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
  for (const args of Object.values(COMMANDS)) timeOnce(args); // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of Object.entries(COMMANDS)) samples[name]!.push(timeOnce(args));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<string, number>;
  const line = (label: string, ms: number, note = ''): void =>
    console.log(`  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms${note}`);
  console.log(`cli start-up, median of ${ROUNDS} alternating rounds (wall clock per process)`);
  line('node -e 0 (floor)', m.node!);
  line(
    'shakedown --version',
    m.version!,
    `  +${(m.version! - m.node!).toFixed(0)} ms over node (goal ≤ ${GOAL_MS} ms)`,
  );
  line(
    'shakedown campaign validate demo',
    m.validate!,
    `  +${(m.validate! - m.node!).toFixed(0)} ms (goal ≤ ${GOAL_MS} ms)`,
  );
  line(
    'shakedown campaign validate xcp-ng-release',
    m.validateRelease!,
    `  +${(m.validateRelease! - m.node!).toFixed(0)} ms`,
  );
  line('shakedown --help (loads every command)', m.help!, `  +${(m.help! - m.node!).toFixed(0)} ms`);
  console.log(
    JSON.stringify({
      bench: 'cli',
      node_ms: Math.round(m.node!),
      version_ms: Math.round(m.version!),
      validate_ms: Math.round(m.validate!),
      validate_release_ms: Math.round(m.validateRelease!),
      all_commands_ms: Math.round(m.help!),
      version_over_node_ms: Math.round(m.version! - m.node!),
      validate_over_node_ms: Math.round(m.validate! - m.node!),
      rounds: ROUNDS,
      goal_ms: GOAL_MS,
      goal_met: m.version! <= GOAL_MS && m.validate! <= GOAL_MS,
    }),
  );
}

main();
