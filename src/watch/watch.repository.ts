import { DataSource } from 'typeorm';
import { queryRows } from 'src/database/sql';
import { RepoPackage } from 'src/watch/repo-packages';

interface WatchState {
  seen: Record<string, string>;
  pending: RepoPackage[] | null;
  pendingSince: Date | null;
}

/** Every SQL statement of the watcher (tables repo_watches and repo_watch_sets). */
export class WatchRepository {
  constructor(private readonly db: DataSource) {}

  async find(key: string): Promise<WatchState | null> {
    const [row] = await queryRows(
      this.db,
      `SELECT seen, pending, pending_since AS "pendingSince" FROM repo_watches WHERE key = $1`,
      [key],
    );
    return row ?? null;
  }

  /** The first poll: what the repository holds now is known, not new. False when another watcher was first. */
  async createBaseline(key: string, campaign: string, repository: string, seen: Record<string, string>) {
    const rows = await queryRows(
      this.db,
      `INSERT INTO repo_watches (key, campaign_name, repository, seen) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key, campaign, repository, JSON.stringify(seen)],
    );
    return rows.length === 1;
  }

  async setPending(key: string, pending: RepoPackage[] | null, since: Date | null): Promise<void> {
    await queryRows(
      this.db,
      `UPDATE repo_watches SET pending = $2, pending_since = $3, polled_at = now() WHERE key = $1`,
      [key, pending === null ? null : JSON.stringify(pending), since],
    );
  }

  /** Claims a set for this watcher; false when a run was already started for it. */
  async claimSet(key: string, hash: string, packages: RepoPackage[]): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `INSERT INTO repo_watch_sets (watch_key, set_hash, packages) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING set_hash`,
      [key, hash, JSON.stringify(packages)],
    );
    return rows.length === 1;
  }

  async releaseSet(key: string, hash: string): Promise<void> {
    await queryRows(this.db, `DELETE FROM repo_watch_sets WHERE watch_key = $1 AND set_hash = $2`, [key, hash]);
  }

  /** The set's run is recorded and its packages become known; nothing waits any more. */
  async setStarted(key: string, hash: string, runId: string, seen: Record<string, string>): Promise<void> {
    await this.db.transaction(async (em) => {
      await queryRows(em, `UPDATE repo_watch_sets SET run_id = $3 WHERE watch_key = $1 AND set_hash = $2`, [
        key,
        hash,
        runId,
      ]);
      await queryRows(
        em,
        `UPDATE repo_watches SET seen = $2, pending = NULL, pending_since = NULL, polled_at = now() WHERE key = $1`,
        [key, JSON.stringify(seen)],
      );
    });
  }
}
