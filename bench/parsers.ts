/**
 * Every parser of user or guest input (fio output, JUnit XML, result bundles, campaigns,
 * inventories) on the largest adversarial input it reads: all hostile fragments together, and each
 * alone, repeated to the parser's size cap (10 MB, 1 MB for the YAML formats, which refuse more up
 * front). A parser runs on the event loop of the request that brought the input, so its time is
 * how long the API stands still. Goal: each input read to its end (a value or a domain error) in
 * under GOAL_MS. Baseline in the same run: JSON.parse of a document of about 7 MB (native, linear).
 */
import { DomainError } from 'src/common/errors/domain-error';
import { FULL, repeatTo, Subject, subjects } from './adversarial-inputs';

const GOAL_MS = 1000;

/** CPU milliseconds of one parse, best of two (another process's load slows both alike). */
function cpuMs(parse: () => unknown): number {
  const once = (): number => {
    const started = process.cpuUsage();
    try {
      parse();
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
    }
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  return Math.min(once(), once());
}

function worstInput(subject: Subject): { ms: number; input: string } {
  const inputs = [
    { input: 'all fragments', text: repeatTo(subject.fragments.join(''), subject.size) },
    ...subject.fragments.map((f) => ({ input: JSON.stringify(f), text: repeatTo(f, subject.size) })),
  ];
  let worst = { ms: 0, input: '' };
  for (const { input, text } of inputs) {
    const ms = cpuMs(() => subject.parse(text));
    if (ms > worst.ms) worst = { ms, input };
  }
  return worst;
}

function main(): void {
  const json = JSON.stringify(
    Array.from({ length: FULL / 64 }, (_, i) => ({ id: i, name: `case ${i}`, ok: i % 2 === 0 })),
  ).slice(0, FULL);
  const document = json.slice(0, json.lastIndexOf('},') + 1) + ']';
  const baseline = cpuMs(() => JSON.parse(document));
  console.log(`baseline: JSON.parse of ${(document.length / 2 ** 20).toFixed(1)} MB: ${baseline.toFixed(0)} ms`);
  const results: Record<string, number> = {};
  for (const subject of subjects) {
    const worst = worstInput(subject);
    results[subject.name] = Number(worst.ms.toFixed(1));
    console.log(
      `${subject.name.padEnd(14)} ${(subject.size / 2 ** 20).toFixed(0).padStart(3)} MB  worst ${worst.ms.toFixed(0).padStart(5)} ms  (${worst.input})`,
    );
  }
  const worstMs = Math.max(...Object.values(results));
  console.log(
    JSON.stringify({
      bench: 'parsers',
      worst_ms: results,
      worst_overall_ms: worstMs,
      baseline_json_parse_ms: Number(baseline.toFixed(1)),
      baseline_json_bytes: document.length,
      ratio_worst_vs_baseline: Number((worstMs / baseline).toFixed(2)),
      goal_ms: GOAL_MS,
      goal_met: worstMs < GOAL_MS,
    }),
  );
}

main();
