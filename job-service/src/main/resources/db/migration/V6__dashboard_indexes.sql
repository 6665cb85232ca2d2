-- The dashboard's listings stay fast with 100,000 jobs (bench/ui-100k, docs/dashboard.md "Performance").
-- Every listing is keyset-paged newest first on (created_at, id): each filter gets an index whose order is that,
-- so a page reads 51 index entries instead of sorting every matching row.

-- An admin's all-tenant view (V1 has jobs_tenant_listing for one tenant).
CREATE INDEX jobs_listing ON trawl.jobs (created_at DESC, id DESC);

-- The status filter, for one tenant and for every tenant: a rare status (a few failed jobs among 100,000)
-- otherwise walks the whole listing index to find 50.
CREATE INDEX jobs_tenant_status_listing ON trawl.jobs (tenant, status, created_at DESC, id DESC);
CREATE INDEX jobs_status_listing ON trawl.jobs (status, created_at DESC, id DESC);

-- "Created by this schedule".
CREATE INDEX jobs_schedule_listing ON trawl.jobs (schedule_id, created_at DESC, id DESC)
    WHERE schedule_id IS NOT NULL;

-- The job page's tasks table without a state filter, in id order (tasks_job_state serves the filtered one).
CREATE INDEX tasks_job_listing ON trawl.tasks (job_id, id);

-- The name search is `name ILIKE '%text%'`: only a trigram index serves a pattern with a leading wildcard.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner, or any role with CREATE on it, may
-- create it. Where the migrating role may not (a database owned by someone else), the index is left out
-- with a notice and the search still answers, by scanning; a DBA can run `CREATE EXTENSION pg_trgm` and
-- `CREATE INDEX jobs_name_trgm ...` later. The operator class is qualified with the schema the extension
-- really lives in (it may have been installed earlier, e.g. in public).
DO $$
DECLARE
    ext_schema text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR undefined_file THEN
        RAISE NOTICE 'pg_trgm is not available to this role (%); the job name search will scan', SQLERRM;
    END;
    SELECT n.nspname INTO ext_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX jobs_name_trgm ON trawl.jobs USING gin (name %I.gin_trgm_ops)', ext_schema);
    END IF;
END
$$;
