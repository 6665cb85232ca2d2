-- Trawl schema (DESIGN.md §2). Owned by job-service; applied by Flyway at its start (Flyway takes a
-- Postgres advisory lock, so several replicas starting together migrate once).

CREATE TABLE trawl.jobs (
    id              uuid PRIMARY KEY,
    tenant          text        NOT NULL,
    name            text        NOT NULL,
    -- json, not jsonb: the spec reads back exactly as normalized at submission (extract.fields order is
    -- the CSV column order); nothing queries into it.
    spec            json        NOT NULL,
    request_hash    text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'running', 'paused', 'completed', 'failed', 'killed')),
    priority        int         NOT NULL DEFAULT 0,
    per_host_concurrency int    NOT NULL,
    per_host_delay_ms    int    NOT NULL,
    idempotency_key text,
    tasks_total     int         NOT NULL DEFAULT 0,
    tasks_done      int         NOT NULL DEFAULT 0,
    tasks_failed    int         NOT NULL DEFAULT 0,
    items           bigint      NOT NULL DEFAULT 0,
    event_seq       bigint      NOT NULL DEFAULT 0,
    progress_seq    bigint      NOT NULL DEFAULT 0,
    progress_at     timestamptz,
    dispatch_pass   double precision NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    paused_at       timestamptz,
    finished_at     timestamptz,
    purged_at       timestamptz,
    schedule_id     uuid,
    fire_time       timestamptz,
    CONSTRAINT jobs_tenant_idempotency_key UNIQUE (tenant, idempotency_key),
    CONSTRAINT jobs_schedule_fire UNIQUE (schedule_id, fire_time)
);
CREATE INDEX jobs_tenant_listing ON trawl.jobs (tenant, created_at DESC, id DESC);
CREATE INDEX jobs_active ON trawl.jobs (status) WHERE status IN ('pending', 'running', 'paused');
CREATE INDEX jobs_retention ON trawl.jobs (finished_at) WHERE finished_at IS NOT NULL AND purged_at IS NULL;

CREATE TABLE trawl.tasks (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES trawl.jobs (id) ON DELETE CASCADE,
    url              text        NOT NULL,
    url_hash         bytea       NOT NULL,
    host             text        NOT NULL,
    depth            int         NOT NULL DEFAULT 0,
    parent_task_id   bigint,
    state            text        NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempt          int         NOT NULL DEFAULT 0,
    max_attempts     int         NOT NULL,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_token      uuid,
    lease_expires_at timestamptz,
    last_error       text,
    http_status      int,
    created_at       timestamptz NOT NULL DEFAULT now(),
    queued_at        timestamptz,
    started_at       timestamptz,
    finished_at      timestamptz,
    CONSTRAINT tasks_job_url UNIQUE (job_id, url_hash)
);
CREATE INDEX tasks_dispatchable ON trawl.tasks (host, next_attempt_at) WHERE state = 'pending';
CREATE INDEX tasks_in_flight ON trawl.tasks (host) WHERE state IN ('queued', 'running');
CREATE INDEX tasks_leases ON trawl.tasks (lease_expires_at) WHERE state = 'running';
CREATE INDEX tasks_queued_since ON trawl.tasks (queued_at) WHERE state = 'queued';
CREATE INDEX tasks_job_state ON trawl.tasks (job_id, state, id);

CREATE TABLE trawl.items (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES trawl.jobs (id) ON DELETE CASCADE,
    task_id    bigint      NOT NULL REFERENCES trawl.tasks (id) ON DELETE CASCADE,
    url        text        NOT NULL,
    ordinal    int         NOT NULL,
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT items_task_ordinal UNIQUE (task_id, ordinal)
);
CREATE INDEX items_by_job ON trawl.items (job_id, id);

CREATE TABLE trawl.job_events (
    job_id     uuid        NOT NULL REFERENCES trawl.jobs (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL,
    type       text        NOT NULL,
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, seq)
);

CREATE TABLE trawl.schedules (
    id            uuid PRIMARY KEY,
    tenant        text        NOT NULL,
    name          text        NOT NULL,
    cron          text        NOT NULL,
    timezone      text        NOT NULL,
    template      json        NOT NULL,
    enabled       boolean     NOT NULL DEFAULT true,
    misfire_grace interval    NOT NULL DEFAULT interval '5 minutes',
    overlap       text        NOT NULL DEFAULT 'skip' CHECK (overlap IN ('skip', 'queue', 'allow')),
    last_fire_at  timestamptz,
    next_fire_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedules_due ON trawl.schedules (next_fire_at) WHERE enabled;
CREATE INDEX schedules_by_tenant ON trawl.schedules (tenant, created_at DESC, id DESC);

CREATE TABLE trawl.schedule_runs (
    schedule_id uuid        NOT NULL,
    fire_time   timestamptz NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('fired', 'missed', 'skipped', 'queued')),
    reason      text,
    job_id      uuid,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schedule_id, fire_time)
);

CREATE TABLE trawl.workers (
    id             text PRIMARY KEY,
    service        text        NOT NULL,
    host           text        NOT NULL,
    version        text        NOT NULL,
    started_at     timestamptz NOT NULL,
    last_heartbeat timestamptz NOT NULL,
    in_flight      int         NOT NULL DEFAULT 0,
    stats          jsonb       NOT NULL DEFAULT '{}'
);

-- Fleet-wide politeness per host (host[:port]). Tasks in flight are counted from tasks (queued|running),
-- under this row's lock, so the count cannot drift.
CREATE TABLE trawl.hosts (
    host                 text PRIMARY KEY,
    next_dispatch_at     timestamptz NOT NULL DEFAULT '-infinity',
    backoff_until        timestamptz,
    crawl_delay_ms       int         NOT NULL DEFAULT 0,
    consecutive_timeouts int         NOT NULL DEFAULT 0,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hosts_due ON trawl.hosts (next_dispatch_at);
