-- Current state of the 子订单 in staged_order_lines: every staged version of the keys one file touched, or
-- all of staging ($all). refresh.ts (stageVersions) defines it, as a table when a file is small.
-- Grain: one row per order_item_id (子订单编号), recomputed from every staged version of it, so the
-- cost of a load grows with the file, not with the warehouse.
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 支付/发货/完成/提交时间), then the most advanced 订单状态, then the file whose latest event is
-- latest (our stand-in for its export time), then file hash and row. Each column takes its value
-- from the newest version in which it is not empty, so a later export with fewer columns (a
-- merchant-chosen subset) updates the state without erasing what it doesn't carry.
-- (A key with one version is taken as it is; the versions of the others are merged in one window
-- pass: each column's first non-empty value, newest first.)
delete from core.order_line_states
where $all or order_item_id in (select order_item_id from staged_order_lines);

insert into core.order_line_states by name
-- How many versions each touched key has: most keys of a new file have one, and skip the sort.
with version_counts as (
    select order_item_id, count(*) as version_count
    from staged_order_lines
    group by order_item_id
),

-- Files in version order (as_of desc nulls last, then sha256 desc): a small integer to sort on
-- instead of the two file columns; files equal on both share a position.
file_order as (
    select file_id, dense_rank() over (order by as_of desc nulls last, sha256 desc) as file_order
    from meta.ingest_log
),

single_version as (
    select
        lines.*,
        version_counts.version_count,
        order_status.status_group as order_status_group
    from staged_order_lines as lines
    inner join version_counts on version_counts.order_item_id = lines.order_item_id
    inner join meta.ingest_log as log on log.file_id = lines.file_id
    left join staging.lookup_order_status as order_status on order_status.raw = lines.order_status
    where version_counts.version_count = 1
),

versions as (
    select
        lines.*,
        version_counts.version_count,
        file_order.file_order,
        greatest(lines.created_at, lines.paid_at, lines.shipped_at, lines.completed_at) as last_event_at,
        order_status.status_group as order_status_group,
        order_status.status_rank
    from staged_order_lines as lines
    inner join version_counts on version_counts.order_item_id = lines.order_item_id
    inner join file_order on file_order.file_id = lines.file_id
    left join staging.lookup_order_status as order_status on order_status.raw = lines.order_status
    where version_counts.version_count > 1
),

merged_versions as (
    select
        order_item_id,
        first_value(
            columns(* exclude (order_item_id, file_order, last_event_at, status_rank)) ignore nulls
        ) over newest_first
    from versions
    window newest_first as (
        partition by order_item_id
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
