-- Current state of the 子订单 in staged_order_lines: every staged version of the keys one file touched, or
-- all of staging ($all). refresh.ts (stageVersions) defines it, as a table when a file is small.
-- Grain: one row per order_item_id (子订单编号), recomputed from every staged version of it, so the
-- cost of a load grows with the file, not with the warehouse.
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 支付/发货/完成/提交时间), then the most advanced 订单状态, then the file whose latest event is
-- latest (our stand-in for its export time), then file hash and row. Each column takes its value
-- from the newest version in which it is not empty, so a later export with fewer columns (a
-- merchant-chosen subset) updates the state without erasing what it doesn't carry.
-- The versions are ranked on narrow columns, each with a mask of its empty columns. A key whose
-- newest version leaves empty only columns every older version leaves empty too (a key with one
-- version, and at 10M 子订单 every key of the bench's data) is that newest version as it is; only
-- the others go through the window of first_value per column, which on 17M versions took 115 s
-- against 40 s for this. The mask covers every column of the version, bookkeeping ones included:
-- a column too many can only send a key to the merge, whose result is the same.
delete from core.order_line_states
where $all or order_item_id in (select order_item_id from staged_order_lines);

insert into core.order_line_states by name
-- Files in version order (as_of desc nulls last, then sha256 desc): a small integer to sort on
-- instead of the two file columns; files equal on both share a position.
with file_order as (
    select file_id, dense_rank() over (order by as_of desc nulls last, sha256 desc) as file_order
    from meta.ingest_log
),

versions as not materialized (
    select
        lines.*,
        file_order.file_order,
        greatest(lines.created_at, lines.paid_at, lines.shipped_at, lines.completed_at) as last_event_at,
        order_status.status_group as order_status_group,
        order_status.status_rank
    from staged_order_lines as lines
    inner join file_order on file_order.file_id = lines.file_id
    left join staging.lookup_order_status as order_status on order_status.raw = lines.order_status
),

-- Each version on narrow columns: where it sorts, and which of its columns are empty (a bit string,
-- bit i set when the i-th column is NULL).
version_nulls as (
    select
        order_item_id,
        file_id,
        source_row,
        file_order,
        last_event_at,
        status_rank,
        concat(*columns('_is_empty$'))::bit as empty_mask
    from (select *, if(columns('^(.*)$') is null, '1', '0') as '\1_is_empty' from versions)
),

ranked_versions as (
    select
        *,
        row_number() over (
            partition by order_item_id
            order by last_event_at desc nulls last, status_rank desc nulls last, file_order, source_row desc
        ) as version_rank
    from version_nulls
),

-- Per key: its newest version, and whether an older version fills a column the newest leaves
-- empty (a bit set in the newest mask and clear in some older one). Only then are they merged.
keys as (
    select
        order_item_id,
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
    group by order_item_id
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
        order_item_id,
        first_value(
            columns(* exclude (order_item_id, file_order, last_event_at, status_rank)) ignore nulls
        ) over newest_first
    from (
        select versions.*, keys.version_count
        from versions
        inner join keys on keys.order_item_id = versions.order_item_id
        where keys.needs_merge
    )
    -- The order of ranked_versions, repeated: reading its version_rank here instead made ranked_versions
    -- a table read twice (10M rebuild: +6 s for 子订单, +8 s for 售后单).
    window newest_first as (
        partition by order_item_id
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

-- The approximate buyer (core.order_lines.buyer_key) is hashed here, once per state, rather than on
-- every read of core.order_lines: at 10M 子订单 the hash took 4 s a read, and kept a filter on the
-- view from reaching this table.
select
    *,
    case
        when coalesce(recipient_name_hash, recipient_phone_hash, address_hash) is not null
            then sha256(concat_ws('|', recipient_name_hash, recipient_phone_hash, address_hash))
    end as buyer_key
from final;
