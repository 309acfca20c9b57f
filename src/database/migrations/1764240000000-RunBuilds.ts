import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each run's build (xapi, Xen and kernel versions) kept beside its lab snapshot: `runs.build`, a stored
 * generated column, so the release page's trend reads a few bytes per run instead of taking apart every
 * host's package list in the snapshot (tens of kilobytes a run) on each view. Generated, it is right
 * whoever writes the snapshot (the engine at run start, a community submission) and whenever.
 * `{ byVersion: { "8.3.0": { xapi, xen, kernel } }, first: { … } }`: the first host of each version,
 * and the first host that says its version (else the first host) for runs with none of the release's.
 */
export class RunBuilds1764240000000 implements MigrationInterface {
  name = 'RunBuilds1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION shakedown_run_build(snapshot jsonb) RETURNS jsonb
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        WITH hosts AS (
          SELECT h, i, h->>'version' AS version,
                 jsonb_build_object('xapi', h->'packages'->>'xapi-core', 'xen', h->'packages'->>'xen-hypervisor',
                                    'kernel', h->'packages'->>'kernel') AS build
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(snapshot->'hosts') = 'array'
                                           THEN snapshot->'hosts' ELSE '[]'::jsonb END) WITH ORDINALITY AS e(h, i))
        SELECT jsonb_build_object(
          'byVersion', COALESCE((SELECT jsonb_object_agg(version, build)
                                   FROM (SELECT DISTINCT ON (version) version, build FROM hosts
                                          WHERE version IS NOT NULL ORDER BY version, i) v), '{}'::jsonb),
          'first', (SELECT build FROM hosts ORDER BY version IS NULL, i LIMIT 1))
      $$`);
    await q.query(
      `ALTER TABLE runs ADD COLUMN build jsonb GENERATED ALWAYS AS (shakedown_run_build(lab_snapshot)) STORED`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN build`);
    await q.query(`DROP FUNCTION shakedown_run_build(jsonb)`);
  }
}
