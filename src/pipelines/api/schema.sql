-- Bookkeeping of the 抖店 API pull (src/pipelines/api). Run after models/meta/schema.sql.
-- Times here are instants (TIMESTAMPTZ), like the rest of meta; the data's own Beijing times
-- travel in the pulled CSV files and land in raw/staging as the exports' do.

-- Where each pull stands, per shop, endpoint and run ('incremental', or one backfill range).
-- Grain: one row per (shop_id, endpoint, run). done_until: every window up to here is loaded.
-- pending_*: the window in flight; a run that stopped inside it (crash, error) resumes it as is.
create table if not exists meta.api_checkpoints (
    shop_id varchar not null,
    endpoint varchar not null,
    run varchar not null,
    done_until timestamptz not null,
    pending_start timestamptz,
    pending_end timestamptz,
    windows_loaded bigint not null default 0,
    rows_pulled bigint not null default 0,
    updated_at timestamptz not null
);

-- Every page the API returned for a loaded window, buyer PII hashed (api/pii.ts), numbers exactly
-- as sent (19-digit IDs included). Grain: one row per (shop_id, endpoint, run, window, page);
-- afterSale.Detail responses have one row per after-sale (request_key = its ID).
create table if not exists raw.api_pages (
    shop_id varchar not null,
    endpoint varchar not null,
    run varchar not null,
    window_start timestamptz not null,
    window_end timestamptz not null,
    page integer not null,
    request_key varchar,
    fetched_at timestamptz not null,
    body json not null
);
