import { jsonArray, jsonObject, jsonText } from 'src/common/input/stored-json';
import type { RunSummary } from 'src/reports/read/read-models';

interface PackageChange {
  name: string;
  from: string | null;
  to: string | null;
}

/** What started a run: the repository watcher, a schedule, or a person (a token's name, `demo`). */
interface RunStarter {
  kind: 'watch' | 'schedule' | 'user';
  name: string | null;
  /** The watched repository, for a run the watcher started. */
  repository?: string;
  /** The watcher's id of the candidate set (same packages at the same versions, same id). */
  set?: string;
}

export interface RunCandidates {
  startedBy: RunStarter;
  /** The run's `updates:` (from the campaign or the watcher); null when it applies none. */
  candidates: {
    repository: string;
    /** 'all': every update the repository offers for installed packages */
    packages: Array<{ name: string; version: string | null }> | 'all';
  } | null;
  /** What the update preparation did, host by host (null until it ran, or when there was none). */
  updates: {
    status: 'applied' | 'failed';
    error: string | null;
    pools: Array<{ name: string; updated: boolean; reason: string | null }>;
    hosts: Array<{
      host: string;
      pool: string;
      master: boolean;
      status: string;
      rebooted: boolean;
      restarted: string[];
      changes: PackageChange[];
      error: string | null;
    }>;
  } | null;
}

const obj = jsonObject;
const arr = jsonArray;
const text = jsonText;

function starter(run: RunSummary): RunStarter {
  const trigger = obj(run.options.trigger);
  if (trigger.kind === 'repository-watch') {
    return {
      kind: 'watch',
      name: run.createdBy,
      ...(text(trigger.repository) ? { repository: text(trigger.repository)! } : {}),
      ...(text(trigger.set) ? { set: text(trigger.set)! } : {}),
    };
  }
  if (run.createdBy?.startsWith('schedule ')) return { kind: 'schedule', name: run.createdBy.slice(9) };
  return { kind: 'user', name: run.createdBy };
}

/**
 * A run's update candidates as its page and the API show them: who started it, the candidate set
 * (with the versions the watcher found), and the package diff the preparation recorded per host.
 * Read from the run's stored JSON, so every field is checked rather than trusted.
 */
export function runCandidates(run: RunSummary, record: unknown): RunCandidates {
  const updates = obj(run.options.updates);
  const found = new Map(
    arr(obj(run.options.trigger).packages).map((p) => [text(obj(p).name), text(obj(p).evr)] as const),
  );
  const names = updates.packages === 'all' ? 'all' : arr(updates.packages).map(text).filter((n) => n !== null);
  const candidates = text(updates.enablerepo)
    ? {
        repository: text(updates.enablerepo)!,
        packages: names === 'all' ? ('all' as const) : names.map((name) => ({ name, version: found.get(name) ?? null })),
      }
    : null;
  const r = obj(record);
  const status = r.status === 'applied' || r.status === 'failed' ? r.status : null;
  return {
    startedBy: starter(run),
    candidates,
    updates: status
      ? {
          status,
          error: text(r.error),
          pools: arr(r.pools).map((p) => ({
            name: text(obj(p).name) ?? '?',
            updated: obj(p).updated === true,
            reason: text(obj(p).reason),
          })),
          hosts: arr(r.hosts).map((raw) => {
            const h = obj(raw);
            return {
              host: text(h.host) ?? '?',
              pool: text(h.pool) ?? '?',
              master: h.master === true,
              status: text(h.status) ?? '?',
              rebooted: h.rebooted === true,
              restarted: arr(h.restarted).map(text).filter((u) => u !== null),
              changes: arr(h.changes).map((c) => ({
                name: text(obj(c).name) ?? '?',
                from: text(obj(c).from),
                to: text(obj(c).to),
              })),
              error: text(h.error),
            };
          }),
        }
      : null,
  };
}
