-- Bookkeeping of the warehouse: settings, what was ingested, what was rejected.
-- Timestamps in the data layers are TIMESTAMP (no zone) holding Beijing wall-clock time (UTC+8,
-- no daylight saving), exactly as the exports write them; bookkeeping times are TIMESTAMPTZ.
create schema if not exists meta;
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists core;

create table if not exists meta.settings (
    key varchar primary key,
    value varchar not null
);

create sequence if not exists meta.file_id_sequence start 1;

-- One row per ingest attempt of a file. A file (by content hash) is loaded at most once.
create table if not exists meta.ingest_log (
    file_id integer not null,
    path varchar not null,
    sha256 varchar not null,
    kind varchar,
    shop_id varchar,
    format varchar,
    encoding varchar,
    known_columns varchar[],
    extra_columns varchar[],
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_rejected bigint not null default 0,
    as_of timestamp,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    message varchar
);

-- Cells that could not be read: the row goes here instead of into staging.
create table if not exists meta.rejects (
    file_id integer not null,
    source_row bigint,
    column_name varchar,
    raw_value varchar,
    reason varchar not null
);

-- One row per run of a job (ingest, refresh, build, weekly report, API pull), scheduled or by
-- hand: what it did and how it ended, so that a failed night is visible in the morning. A run
-- killed before it could finish stays 'running' until the next lock holder marks it 'interrupted'.
create sequence if not exists meta.job_run_sequence start 1;

create table if not exists meta.job_runs (
    run_id integer not null,
    job varchar not null,
    trigger varchar not null,
    detail varchar,
    pid integer,
    host varchar,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    files_loaded integer not null default 0,
    files_skipped integer not null default 0,
    files_failed integer not null default 0,
    message varchar
);
