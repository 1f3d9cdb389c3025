-- Current state of the 售后单 in staged_after_sales: every staged version of the keys one file touched, or
-- all of staging ($all). refresh.ts (stageVersions) defines it, as a table when a file is small.
-- Grain: one row per after_sale_id (售后单号), recomputed from every staged version of it.
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 申请/同意/退货发货/退款/到账/关闭/完结时间; the deadline is not an event), then the most advanced
-- 售后状态 (final states over in-flight ones), then the file whose latest event is latest, then
-- file hash and row. Each column takes its value from the newest version in which it is not
-- empty, except 自动处理截止时间, which belongs to the current node and is taken from the newest
-- version even when empty (a finished after-sale has no deadline).
-- The versions are ranked on narrow columns, each with a mask of its empty columns (自动处理截止时间
-- aside). A key whose newest version leaves empty only columns every older version leaves empty
-- too is that newest version as it is; only the others go through the window of first_value per
-- column (core/order_line_states.sql says why, and what it saves).
delete from core.after_sale_states
where $all or after_sale_id in (select after_sale_id from staged_after_sales);

insert into core.after_sale_states by name
-- Files in version order (as_of desc nulls last, then sha256 desc): a small integer to sort on
-- instead of the two file columns; files equal on both share a position.
with file_order as (
    select file_id, dense_rank() over (order by as_of desc nulls last, sha256 desc) as file_order
    from meta.ingest_log
),

versions as not materialized (
    select
        sales.*,
        file_order.file_order,
        greatest(
            sales.applied_at, sales.approved_at, sales.return_shipped_at, sales.refunded_at,
            sales.refund_arrived_at, sales.closed_at, sales.finalized_at
        ) as last_event_at,
        status.status_group as after_sale_status_group,
        status.status_rank
    from staged_after_sales as sales
    inner join file_order on file_order.file_id = sales.file_id
    left join staging.lookup_after_sale_status as status on status.raw = sales.after_sale_status
),

-- Each version on narrow columns: where it sorts, and which of its columns are empty (a bit string,
-- bit i set when the i-th column is NULL). The deadline is taken from the newest version anyway.
version_nulls as (
    select
        after_sale_id,
        file_id,
        source_row,
        file_order,
        last_event_at,
        status_rank,
        concat(*columns('_is_empty$'))::bit as empty_mask
    from (
        select *, if(columns('^(.*)$') is null, '1', '0') as '\1_is_empty'
        from (select * exclude (deadline_at) from versions)
    )
),

ranked_versions as (
    select
        *,
        row_number() over (
            partition by after_sale_id
            order by last_event_at desc nulls last, status_rank desc nulls last, file_order, source_row desc
        ) as version_rank
    from version_nulls
),

-- Per key: its newest version, and whether an older version fills a column the newest leaves
-- empty (a bit set in the newest mask and clear in some older one). Only then are they merged.
keys as (
    select
        after_sale_id,
        count(*) as version_count,
        any_value(file_id) filter (where version_rank = 1) as newest_file_id,
        any_value(source_row) filter (where version_rank = 1) as newest_source_row,
        coalesce(
            bit_count(
                any_value(empty_mask) filter (where version_rank = 1)
                & ~bit_and(empty_mask) filter (where version_rank > 1)
            ) > 0,
            false
        ) as needs_merge
    from ranked_versions
    group by after_sale_id
),

newest_versions as (
    select versions.* exclude (file_order, last_event_at, status_rank), keys.version_count
    from versions
    inner join keys
        on keys.newest_file_id = versions.file_id and keys.newest_source_row = versions.source_row
    where not keys.needs_merge
),

merged_versions as (
    select
        after_sale_id,
        first_value(deadline_at) over newest_first as deadline_at,
        first_value(
            columns(* exclude (after_sale_id, deadline_at, file_order, last_event_at, status_rank))
                ignore nulls
        ) over newest_first
    from (
        select versions.*, keys.version_count
        from versions
        inner join keys on keys.after_sale_id = versions.after_sale_id
        where keys.needs_merge
    )
    -- The order of ranked_versions, repeated: reading its version_rank here instead made ranked_versions
    -- a table read twice (10M rebuild: +6 s for 子订单, +8 s for 售后单).
    window newest_first as (
        partition by after_sale_id
        order by last_event_at desc nulls last, status_rank desc nulls last, file_order,
            source_row desc
        rows between unbounded preceding and unbounded following
    )
    qualify row_number() over newest_first = 1
),

final as (
    select * from newest_versions
    union all by name
    select * from merged_versions
)

select * from final;
