import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema: the lab (pools, hosts, leases), campaigns and runs (cases, attempts, steps,
 * artifacts, measurements, objects created on hosts), community (tokens, submissions) and triage.
 * Written as SQL so that review reads exactly what PostgreSQL gets.
 */
export class InitialSchema1764090000000 implements MigrationInterface {
  name = 'InitialSchema1764090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    // ---- lab ----------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE labs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        simulated boolean NOT NULL DEFAULT false,
        inventory jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_labs_name UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE pools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lab_id uuid NOT NULL REFERENCES labs(id) ON DELETE CASCADE,
        name text NOT NULL,
        master_host_name text,
        tags text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_pools_lab_name UNIQUE (lab_id, name)
      )`);
    await q.query(`
      CREATE TABLE hosts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lab_id uuid NOT NULL REFERENCES labs(id) ON DELETE CASCADE,
        pool_id uuid REFERENCES pools(id) ON DELETE SET NULL,
        name text NOT NULL,
        address text NOT NULL,
        port integer NOT NULL DEFAULT 22,
        username text NOT NULL DEFAULT 'root',
        credential_ref jsonb NOT NULL DEFAULT '{}'::jsonb,
        host_key_fingerprint text,
        host_key_source text,
        version text,
        build text,
        hardware jsonb,
        hardware_class text,
        tags text[] NOT NULL DEFAULT '{}',
        health text NOT NULL DEFAULT 'unknown' CHECK (health IN ('unknown','good','bad','maintenance')),
        health_detail text,
        checked_at timestamptz,
        parent_host_id uuid REFERENCES hosts(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_hosts_lab_name UNIQUE (lab_id, name)
      )`);
    await q.query(`CREATE INDEX ix_hosts_pool_id ON hosts(pool_id)`);
    // A lease holds hosts for one case. The unique host_id in lease_hosts is what makes double
    // booking impossible: two workers racing for one host cannot both insert its row.
    await q.query(`
      CREATE TABLE leases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        holder text NOT NULL,
        purpose text NOT NULL,
        run_id uuid,
        case_id uuid,
        acquired_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_leases_expires_at ON leases(expires_at)`);
    await q.query(`
      CREATE TABLE lease_hosts (
        lease_id uuid NOT NULL REFERENCES leases(id) ON DELETE CASCADE,
        host_id uuid NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
        CONSTRAINT pk_lease_hosts PRIMARY KEY (lease_id, host_id),
        CONSTRAINT uq_lease_hosts_host UNIQUE (host_id)
      )`);

    // ---- campaigns and runs --------------------------------------------------------------------
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        release text NOT NULL,
        baseline_release text,
        source_path text,
        text text NOT NULL,
        sha256 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_campaigns_sha256 UNIQUE (sha256)
      )`);
    await q.query(`
      CREATE TABLE schedules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        campaign_path text NOT NULL,
        lab_name text NOT NULL,
        cron text NOT NULL,
        priority integer NOT NULL DEFAULT 0,
        options jsonb NOT NULL DEFAULT '{}'::jsonb,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_schedules_name UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number serial NOT NULL,
        campaign_id uuid REFERENCES campaigns(id) ON DELETE SET NULL,
        campaign_name text NOT NULL,
        release text NOT NULL,
        baseline_release text,
        lab_id uuid REFERENCES labs(id) ON DELETE SET NULL,
        lab_name text,
        origin text NOT NULL DEFAULT 'lab' CHECK (origin IN ('lab','submission')),
        simulated boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued','running','finished','cancelling','cancelled','error')),
        priority integer NOT NULL DEFAULT 0,
        options jsonb NOT NULL DEFAULT '{}'::jsonb,
        lab_snapshot jsonb NOT NULL DEFAULT '{}'::jsonb,
        summary jsonb NOT NULL DEFAULT '{}'::jsonb,
        error text,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        cancel_requested_at timestamptz,
        CONSTRAINT uq_runs_number UNIQUE (number)
      )`);
    await q.query(`CREATE INDEX ix_runs_created_at ON runs(created_at DESC)`);
    await q.query(`
      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        case_key text NOT NULL,
        case_hash text NOT NULL,
        suite text NOT NULL,
        scenario text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        expectation jsonb,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        release text,
        manual boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending','queued','waiting','running','done')),
        outcome text CHECK (outcome IN ('passed','failed','xfailed','xpassed','infra-error','skipped','cancelled','manual-pending')),
        reason text,
        waiting_reason text,
        error_code text,
        signature text,
        attempt_count integer NOT NULL DEFAULT 0,
        worker text,
        duration_ms integer,
        queued_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT uq_cases_run_key UNIQUE (run_id, case_key)
      )`);
    await q.query(`CREATE INDEX ix_cases_case_key ON cases(case_key)`);
    await q.query(`CREATE INDEX ix_cases_case_hash ON cases(case_hash)`);
    await q.query(`CREATE INDEX ix_cases_signature ON cases(signature) WHERE signature IS NOT NULL`);
    await q.query(`
      CREATE TABLE attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        number integer NOT NULL,
        worker text NOT NULL,
        lease_id uuid,
        outcome text CHECK (outcome IN ('passed','failed','xfailed','xpassed','infra-error','skipped','cancelled','manual-pending')),
        error_code text,
        error_message text,
        infra boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT uq_attempts_case_number UNIQUE (case_id, number)
      )`);
    await q.query(`
      CREATE TABLE steps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        attempt_id uuid NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        phase text NOT NULL DEFAULT 'act' CHECK (phase IN ('prepare','act','verify','cleanup')),
        name text NOT NULL,
        host text,
        command text,
        stdout text,
        stderr text,
        exit_code integer,
        status text NOT NULL CHECK (status IN ('ok','failed','error','skipped')),
        message text,
        output_truncated boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL DEFAULT 0,
        CONSTRAINT uq_steps_attempt_seq UNIQUE (attempt_id, seq)
      )`);
    await q.query(`
      CREATE TABLE artifacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        case_id uuid REFERENCES cases(id) ON DELETE CASCADE,
        attempt_id uuid REFERENCES attempts(id) ON DELETE CASCADE,
        name text NOT NULL,
        media_type text NOT NULL DEFAULT 'application/octet-stream',
        sha256 text NOT NULL,
        size_bytes bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_artifacts_case_id ON artifacts(case_id)`);
    await q.query(`
      CREATE TABLE measurements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        attempt_id uuid REFERENCES attempts(id) ON DELETE SET NULL,
        case_key text NOT NULL,
        metric text NOT NULL,
        unit text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('higher','lower')),
        samples double precision[] NOT NULL,
        value double precision NOT NULL,
        release text,
        simulated boolean NOT NULL DEFAULT false,
        context jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_measurements_case_metric UNIQUE (case_id, metric)
      )`);
    await q.query(`CREATE INDEX ix_measurements_case_key_metric ON measurements(case_key, metric)`);
    // What a case created on hosts, written before the creating command returns, so that teardown
    // (by this worker or by another one after a crash) can find and remove it.
    await q.query(`
      CREATE TABLE created_objects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        attempt_id uuid REFERENCES attempts(id) ON DELETE SET NULL,
        host_name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('vm','vdi','file','nested-host','other')),
        ref text NOT NULL,
        label text,
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz,
        removal_error text
      )`);
    await q.query(`CREATE INDEX ix_created_objects_pending ON created_objects(case_id) WHERE removed_at IS NULL`);

    // ---- community and triage ------------------------------------------------------------------
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text,
        role text NOT NULL CHECK (role IN ('admin','tester','submitter')),
        token_hash text NOT NULL,
        token_prefix text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('pending','active','revoked')),
        created_at timestamptz NOT NULL DEFAULT now(),
        approved_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT uq_api_tokens_hash UNIQUE (token_hash)
      )`);
    await q.query(`
      CREATE TABLE submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_id uuid REFERENCES api_tokens(id) ON DELETE SET NULL,
        submitter text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('bundle','junit','fio')),
        release text NOT NULL,
        sha256 text NOT NULL,
        size_bytes integer NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','rejected')),
        hardware jsonb NOT NULL DEFAULT '{}'::jsonb,
        hardware_class text NOT NULL,
        run_id uuid REFERENCES runs(id) ON DELETE SET NULL,
        summary jsonb NOT NULL DEFAULT '{}'::jsonb,
        moderation_note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        moderated_at timestamptz,
        CONSTRAINT uq_submissions_token_sha UNIQUE (token_id, sha256)
      )`);
    await q.query(`CREATE INDEX ix_submissions_release ON submissions(release, status)`);
    await q.query(`
      CREATE TABLE known_issues (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        signature text NOT NULL,
        url text NOT NULL,
        note text,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_known_issues_signature UNIQUE (signature)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'known_issues',
      'submissions',
      'api_tokens',
      'created_objects',
      'measurements',
      'artifacts',
      'steps',
      'attempts',
      'cases',
      'runs',
      'schedules',
      'campaigns',
      'lease_hosts',
      'leases',
      'hosts',
      'pools',
      'labs',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
