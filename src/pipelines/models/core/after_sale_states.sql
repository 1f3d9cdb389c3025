-- Current state of the 售后单 that one file touched ($file_id), or of all of them ($all).
-- Grain: one row per after_sale_id (售后单号), recomputed from every staged version of it.
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 申请/同意/退货发货/退款/到账/关闭/完结时间; the deadline is not an event), then the most advanced
-- 售后状态 (final states over in-flight ones), then the file whose latest event is latest, then
-- file hash and row. Each column takes its value from the newest version in which it is not
-- empty, except 自动处理截止时间, which belongs to the current node and is taken from the newest
-- version even when empty (a finished after-sale has no deadline).
delete from core.after_sale_states
where $all or after_sale_id in (select after_sale_id from staging.after_sales where file_id = $file_id);

insert into core.after_sale_states by name
with touched as (
    select distinct after_sale_id from staging.after_sales where $all or file_id = $file_id
),

-- How many versions each touched key has: most keys of a new file have one, and skip the sort.
version_counts as (
    select after_sale_id, count(*) as version_count
    from staging.after_sales
    where after_sale_id in (select after_sale_id from touched)
    group by after_sale_id
),

versions as (
    select
        sales.*,
        version_counts.version_count,
        log.as_of as file_as_of,
        log.sha256 as file_sha256,
        greatest(
            sales.applied_at, sales.approved_at, sales.return_shipped_at, sales.refunded_at,
            sales.refund_arrived_at, sales.closed_at, sales.finalized_at
        ) as last_event_at,
        status.status_group as after_sale_status_group,
        status.status_rank
    from staging.after_sales as sales
    inner join version_counts on version_counts.after_sale_id = sales.after_sale_id
    inner join meta.ingest_log as log on log.file_id = sales.file_id
    left join staging.lookup_after_sale_status as status on status.raw = sales.after_sale_status
),

single_version as (
    select * exclude (file_as_of, file_sha256, last_event_at, status_rank)
    from versions
    where version_count = 1
),

ranked as (
    select
        * exclude (file_as_of, file_sha256, last_event_at, status_rank),
        row_number() over (
            partition by after_sale_id
            order by last_event_at desc nulls last, status_rank desc nulls last,
                file_as_of desc nulls last, file_sha256 desc, source_row desc
        ) as version_rank
    from versions
    where version_count > 1
),

merged_versions as (
    select
        after_sale_id,
        first(deadline_at order by version_rank) as deadline_at,
        arg_min(
            columns(* exclude (after_sale_id, deadline_at, version_rank)),
            case when columns(* exclude (after_sale_id, deadline_at, version_rank)) is not null then version_rank end
        )
    from ranked
    group by after_sale_id
),

final as (
    select * from single_version
    union all by name
    select * from merged_versions
)

select * from final;
