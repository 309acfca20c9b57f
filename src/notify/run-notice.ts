import { DataSource } from 'typeorm';
import { queryRows } from 'src/database/sql';
import { RunNotice } from 'src/notify/notify.types';

const SUCCESS = ['passed', 'xfailed'];
const FAILURE = ['failed', 'error', 'infra-error', 'xpassed'];

/**
 * What a run ended with, for a message: status and outcome counts, and against the previous ended
 * run of the same campaign on the same lab, the cases whose outcome changed — a regression is a
 * case that passed there and fails or errors here.
 */
export async function buildRunNotice(db: DataSource, runId: string, publicUrl: string): Promise<RunNotice | null> {
  const [run] = await queryRows(
    db,
    `SELECT id, number, campaign_name AS campaign, release, lab_name AS lab, status, error, options, updates,
            COALESCE(summary->'outcomes', '{}'::jsonb) AS outcomes, created_at AS "createdAt"
       FROM runs WHERE id = $1`,
    [runId],
  );
  if (!run) return null;
  const [previous] = await queryRows(
    db,
    `SELECT id, number FROM runs
      WHERE campaign_name = $1 AND lab_name IS NOT DISTINCT FROM $2 AND id <> $3 AND created_at < $4
        AND status IN ('finished', 'error') ORDER BY created_at DESC LIMIT 1`,
    [run.campaign, run.lab, run.id, run.createdAt],
  );
  const changes: RunNotice['changes'] = previous
    ? await queryRows(
        db,
        `SELECT c.case_key AS "caseKey", p.outcome AS "from", c.outcome AS "to"
           FROM cases c JOIN cases p ON p.run_id = $2 AND p.case_key = c.case_key
          WHERE c.run_id = $1 AND c.outcome IS NOT NULL AND p.outcome IS NOT NULL AND c.outcome <> p.outcome
          ORDER BY c.case_key`,
        [run.id, previous.id],
      )
    : [];
  const regressions = changes.filter((c) => SUCCESS.includes(c.from) && FAILURE.includes(c.to));
  const outcomes = run.outcomes as Record<string, number>;
  const failed = Object.entries(outcomes).some(([k, n]) => FAILURE.includes(k) && n > 0);
  const verdict: RunNotice['verdict'] =
    run.status === 'error'
      ? 'error'
      : run.status === 'cancelled'
        ? 'cancelled'
        : regressions.length
          ? 'regressed'
          : failed
            ? 'failed'
            : 'passed';
  const updates = run.updates as { hosts?: Array<{ changes?: RunNotice['packages'] }> } | null;
  const packages = new Map<string, RunNotice['packages'][number]>();
  for (const h of updates?.hosts ?? []) for (const c of h.changes ?? []) packages.set(c.name, c);
  return {
    event: regressions.length ? 'run.regressed' : 'run.ended',
    run: {
      number: run.number,
      campaign: run.campaign,
      release: run.release,
      lab: run.lab,
      status: run.status,
      url: `${publicUrl.replace(/\/$/, '')}/runs/${run.number}`,
      error: run.error ?? null,
    },
    verdict,
    outcomes,
    comparedWith: previous?.number ?? null,
    regressions,
    changes,
    packages: [...packages.values()],
    trigger: (run.options?.trigger as Record<string, unknown> | undefined) ?? null,
  };
}

/** The one-paragraph text form (chat webhooks, e-mail body). */
export function noticeText(n: RunNotice): string {
  const counts = Object.entries(n.outcomes)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const lines = [
    `Shakedown run ${n.run.number} (${n.run.campaign}, ${n.run.release}${n.run.lab ? ` on ${n.run.lab}` : ''}): ${n.verdict.toUpperCase()}`,
    counts ? `Outcomes: ${counts}` : 'No case ran.',
  ];
  if (n.run.error) lines.push(`Error: ${n.run.error.slice(0, 1000)}`);
  if (n.packages.length) {
    lines.push(`Candidates: ${n.packages.map((p) => `${p.name} ${p.from ?? '-'} -> ${p.to ?? '-'}`).join(', ')}`);
  }
  if (n.comparedWith !== null) {
    lines.push(
      n.regressions.length
        ? `Regressions since run ${n.comparedWith}: ${n.regressions.map((r) => `${r.caseKey} ${r.from} -> ${r.to}`).join('; ')}`
        : `No regression since run ${n.comparedWith}${n.changes.length ? ` (${n.changes.length} outcome change(s))` : ''}.`,
    );
  }
  lines.push(n.run.url);
  return lines.join('\n');
}
