-- Current state of the 子订单 that one file touched ($file_id), or of all of them ($all).
-- Grain: one row per order_item_id (子订单编号), recomputed from every staged version of it, so the
-- cost of a load grows with the file, not with the warehouse.
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 支付/发货/完成/提交时间), then the most advanced 订单状态, then the file whose latest event is
-- latest (our stand-in for its export time), then file hash and row. Each column takes its value
-- from the newest version in which it is not empty, so a later export with fewer columns (a
-- merchant-chosen subset) updates the state without erasing what it doesn't carry.
delete from core.order_line_states
where $all or order_item_id in (select order_item_id from staging.order_lines where file_id = $file_id);

insert into core.order_line_states by name
with touched as (
    select distinct order_item_id from staging.order_lines where $all or file_id = $file_id
),

-- How many versions each touched key has: most keys of a new file have one, and skip the sort.
version_counts as (
    select order_item_id, count(*) as version_count
    from staging.order_lines
    where order_item_id in (select order_item_id from touched)
    group by order_item_id
),

versions as (
    select
        lines.*,
        version_counts.version_count,
        log.as_of as file_as_of,
        log.sha256 as file_sha256,
        greatest(lines.created_at, lines.paid_at, lines.shipped_at, lines.completed_at) as last_event_at,
        order_status.status_group as order_status_group,
        order_status.status_rank
    from staging.order_lines as lines
    inner join version_counts on version_counts.order_item_id = lines.order_item_id
    inner join meta.ingest_log as log on log.file_id = lines.file_id
    left join staging.lookup_order_status as order_status on order_status.raw = lines.order_status
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
            partition by order_item_id
            order by last_event_at desc nulls last, status_rank desc nulls last,
                file_as_of desc nulls last, file_sha256 desc, source_row desc
        ) as version_rank
    from versions
    where version_count > 1
),

merged_versions as (
    select
        order_item_id,
        arg_min(
            columns(* exclude (order_item_id, version_rank)),
            case when columns(* exclude (order_item_id, version_rank)) is not null then version_rank end
        )
    from ranked
    group by order_item_id
),

final as (
    select * from single_version
    union all by name
    select * from merged_versions
)

select * from final;
