import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which runs a reader sees: `accepted` (the public: runs of community submissions count only once
 * accepted), or `all` (admins moderating, and the operator's own CLI). This file is the one place
 * the rule lives; every read and every write addressed to a run applies it, so a run a caller may
 * not see answers 404 everywhere — pages, API reads, cancel, manual checks, artifacts.
 */
export type SubmissionVisibility = 'accepted' | 'all';

const readerVisibility = new AsyncLocalStorage<SubmissionVisibility>();

/**
 * Runs `fn`, and everything it awaits, as a reader with this visibility. The HTTP layer sets it per
 * request from the caller's role, so the services between it and the repositories need not pass it.
 */
export function asReader<T>(visibility: SubmissionVisibility, fn: () => T): T {
  return readerVisibility.run(visibility, fn);
}

/** The visibility of the current reader; `fallback` outside asReader (CLI, workers, tests). */
export function currentVisibility(fallback: SubmissionVisibility): SubmissionVisibility {
  return readerVisibility.getStore() ?? fallback;
}

/**
 * A SQL condition on a `runs` alias that hides runs of pending or rejected submissions from public
 * readers. A CASE, not an OR, so lab runs never pay for the submissions lookup.
 */
export function visibleRunCondition(alias: string, visibility: SubmissionVisibility): string {
  if (visibility === 'all') return 'true';
  return `(CASE WHEN ${alias}.origin = 'submission'
            THEN EXISTS (SELECT 1 FROM submissions sv WHERE sv.run_id = ${alias}.id AND sv.status = 'accepted')
            ELSE true END)`;
}
