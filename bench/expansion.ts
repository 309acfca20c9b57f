/**
 * Matrix expansion speed. Goal: full expansion of a 10^6-combination matrix with one constraint in
 * under 2 s; a campaign of 10^5 cases loaded and expanded (keys and hashes included). The baseline
 * measured in the same run is a bare odometer over the same product (no constraint, no objects).
 */
import { expandCampaign } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import { expandMatrix } from 'src/matrix/expand';

function timed<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const axes = {
  a: values('a', 10),
  b: values('b', 10),
  c: values('c', 10),
  d: values('d', 10),
  e: values('e', 10),
  f: values('f', 10),
};

const [odometerCount, floorMs] = timed(() => {
  const row = new Int32Array(6);
  let count = 0;
  for (;;) {
    count++;
    let c = 5;
    while (c >= 0 && ++row[c]! >= 10) row[c--] = 0;
    if (c < 0) return count;
  }
});

const [matrix, matrixMs] = timed(() => expandMatrix({ axes, constraints: ['IF a == a0 THEN b != b0'] }));

const campaignText = `name: bench
release: 8.3.0
baseline: 8.2.1
suites:
  - id: big
    scenario: migration.live
    title: every combination, repeated over a synthetic tag axis
    matrix:
      axes:
        vm_kind: [pvhvm-linux, pv-linux, hvm-windows]
        origin: [recent, upgraded, imported]
        size: [tiny, large]
        load: [idle, cpu, memory, io]
        storage: [shared, local-to-local, shared-to-local, local-to-shared]
        scope: [intra-pool, cross-pool, pool-upgrade, cross-pool-from-older]
      constraints:
        - IF scope IN [cross-pool, cross-pool-from-older] THEN storage != shared
`;
// 1008 valid combinations a suite; 100 suites give 100,800 cases.
const suites = Array.from({ length: 100 }, (_, i) =>
  campaignText.split('suites:\n')[1]!.replace('id: big', `id: big-${i}`),
).join('');
const text = `${campaignText.split('suites:\n')[0]}suites:\n${suites}`;
const [expansion, campaignMs] = timed(() => expandCampaign(loadCampaign({ text, filename: 'bench.yaml' })));

console.log(`bare odometer over 10^6 (floor)      ${floorMs.toFixed(0)} ms (${odometerCount} rows)`);
console.log(
  `expandMatrix 10^6, one constraint     ${matrixMs.toFixed(0)} ms (full ${matrix.full}, valid ${matrix.valid}, selected ${matrix.selected})`,
);
console.log(`campaign load + expand                ${campaignMs.toFixed(0)} ms (${expansion.total} cases)`);
console.log(
  JSON.stringify({
    bench: 'expansion',
    ratio_vs_floor: Number((matrixMs / Math.max(1, floorMs)).toFixed(2)),
    full_1e6_ms: Math.round(matrixMs),
    campaign_cases: expansion.total,
    campaign_ms: Math.round(campaignMs),
    goal_met: matrixMs < 2000 && matrix.valid === 990_000,
  }),
);
