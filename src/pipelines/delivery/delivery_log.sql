-- One row per delivery of a weekly report to one channel (all its attempts together). Messages are
-- redacted before they get here: no webhook token, signing secret or password is ever stored.
create schema if not exists meta;

create sequence if not exists meta.delivery_id_sequence start 1;

create table if not exists meta.delivery_log (
    delivery_id integer not null default nextval('meta.delivery_id_sequence'),
    week varchar not null,
    channel_name varchar not null,
    channel_type varchar not null,
    attempt_count integer not null,
    status varchar not null check (status in ('sent', 'failed')),
    started_at timestamptz not null,
    finished_at timestamptz not null,
    message varchar
);
