-- Webhooks (DESIGN.md §7, docs/webhooks.md): subscriptions, a cursor per (subscription, job) into
-- job_events, one delivery row per event a subscription wants, and every attempt of it.

CREATE TABLE trawl.webhooks (
    id                   uuid        PRIMARY KEY,
    tenant               text        NOT NULL,
    url                  text        NOT NULL,
    events               text[]      NOT NULL,
    job_id               uuid,
    description          text,
    enabled              boolean     NOT NULL DEFAULT true,
    -- Why the sender turned it off (a 410 Gone from the receiver); cleared when enabled again.
    disabled_reason      text,
    secret               text        NOT NULL,
    -- After a rotation the old secret still signs (a second v1 signature) until previous_until.
    previous_secret      text,
    previous_until       timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhooks_by_tenant ON trawl.webhooks (tenant, created_at DESC, id DESC);

-- How far the fan-out has read each job's log for a subscription (seq of the last event handled).
CREATE TABLE trawl.webhook_cursors (
    webhook_id  uuid   NOT NULL REFERENCES trawl.webhooks (id) ON DELETE CASCADE,
    job_id      uuid   NOT NULL,
    seq         bigint NOT NULL,
    PRIMARY KEY (webhook_id, job_id)
);

-- status: pending (waiting for its next attempt), sending (claimed under a lease), delivered, failed.
CREATE TABLE trawl.webhook_deliveries (
    id               bigserial   PRIMARY KEY,
    webhook_id       uuid        NOT NULL REFERENCES trawl.webhooks (id) ON DELETE CASCADE,
    job_id           uuid        NOT NULL,
    seq              bigint      NOT NULL,
    type             text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending',
    -- A manual redelivery neither waits for nor holds back the other deliveries of its job.
    redelivery       boolean     NOT NULL DEFAULT false,
    -- attempts: every attempt ever made; retries: failed attempts since it was last (re)queued, which pick
    -- the next delay of the retry schedule.
    attempts         int         NOT NULL DEFAULT 0,
    retries          int         NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_token      uuid,
    lease_expires_at timestamptz,
    last_status_code int,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    CONSTRAINT webhook_deliveries_event UNIQUE (webhook_id, job_id, seq)
);

CREATE INDEX webhook_deliveries_due ON trawl.webhook_deliveries (next_attempt_at)
    WHERE status IN ('pending', 'sending');
CREATE INDEX webhook_deliveries_open ON trawl.webhook_deliveries (webhook_id, job_id, seq)
    WHERE status IN ('pending', 'sending') AND NOT redelivery;
CREATE INDEX webhook_deliveries_listing ON trawl.webhook_deliveries (webhook_id, id DESC);

CREATE TABLE trawl.webhook_attempts (
    id              bigserial   PRIMARY KEY,
    delivery_id     bigint      NOT NULL REFERENCES trawl.webhook_deliveries (id) ON DELETE CASCADE,
    attempt         int         NOT NULL,
    request_id      uuid        NOT NULL,
    started_at      timestamptz NOT NULL,
    duration_ms     bigint      NOT NULL,
    status_code     int,
    error           text,
    next_attempt_at timestamptz
);

CREATE INDEX webhook_attempts_by_delivery ON trawl.webhook_attempts (delivery_id, id);
