-- Current state of the 售后单 in staged_after_sales: every staged version of the keys one file touched, or
-- all of staging ($all). refresh.ts (stageVersions) defines it, as a table when a file is small.
-- Grain: one row per after_sale_id (售后单号), recomputed from every staged version of it.
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 申请/同意/退货发货/退款/到账/关闭/完结时间; the deadline is not an event), then the most advanced
-- 售后状态 (final states over in-flight ones), then the file whose latest event is latest, then
-- file hash and row. Each column takes its value from the newest version in which it is not
-- empty, except 自动处理截止时间, which belongs to the current node and is taken from the newest
-- version even when empty (a finished after-sale has no deadline).
-- (A key with one version is taken as it is; the versions of the others are merged in one window
-- pass: each column's first non-empty value, newest first.)
delete from core.after_sale_states
where $all or after_sale_id in (select after_sale_id from staged_after_sales);

insert into core.after_sale_states by name
-- How many versions each touched key has: most keys of a new file have one, and skip the sort.
with version_counts as (
    select after_sale_id, count(*) as version_count
    from staged_after_sales
    group by after_sale_id
),

-- Files in version order (as_of desc nulls last, then sha256 desc): a small integer to sort on
-- instead of the two file columns; files equal on both share a position.
file_order as (
    select file_id, dense_rank() over (order by as_of desc nulls last, sha256 desc) as file_order
    from meta.ingest_log
),

single_version as (
    select
        sales.*,
        version_counts.version_count,
        status.status_group as after_sale_status_group
    from staged_after_sales as sales
    inner join version_counts on version_counts.after_sale_id = sales.after_sale_id
    inner join meta.ingest_log as log on log.file_id = sales.file_id
    left join staging.lookup_after_sale_status as status on status.raw = sales.after_sale_status
    where version_counts.version_count = 1
),

versions as (
    select
        sales.*,
        version_counts.version_count,
        file_order.file_order,
        greatest(
            sales.applied_at, sales.approved_at, sales.return_shipped_at, sales.refunded_at,
            sales.refund_arrived_at, sales.closed_at, sales.finalized_at
        ) as last_event_at,
        status.status_group as after_sale_status_group,
        status.status_rank
    from staged_after_sales as sales
    inner join version_counts on version_counts.after_sale_id = sales.after_sale_id
    inner join file_order on file_order.file_id = sales.file_id
    left join staging.lookup_after_sale_status as status on status.raw = sales.after_sale_status
    where version_counts.version_count > 1
),

merged_versions as (
    select
        after_sale_id,
        first_value(deadline_at) over newest_first as deadline_at,
        first_value(
            columns(* exclude (after_sale_id, deadline_at, file_order, last_event_at, status_rank))
                ignore nulls
        ) over newest_first
    from versions
    window newest_first as (
        partition by after_sale_id
        order by last_event_at desc nulls last, status_rank desc nulls last, file_order,
            source_row desc
        rows between unbounded preceding and unbounded following
    )
    qualify row_number() over newest_first = 1
),

final as (
    select * from single_version
    union all by name
    select * from merged_versions
)

select * from final;
