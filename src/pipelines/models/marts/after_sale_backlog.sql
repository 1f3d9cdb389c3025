-- The after-sales still waiting for someone, as of the latest moment the warehouse knows about, with
-- their age and where they stand against the platform's own deadline (自动处理截止时间).
-- Grain: one row per open after-sale (after_sale_id): latest status group in_progress, or a status
-- we cannot classify (unknown; counted as open so that nothing waiting is missed).
--
-- as_of_at, per shop: the latest event time in the shop's data (application, approval, return
-- shipment, refund, arrival, closure or finalization of an after-sale; order creation, payment,
-- shipment or completion of a 子订单). Exports carry no export time, and a shop's files may be
-- older than another's, so "now" is what the shop's own data last saw, never the wall clock.
-- 自动处理截止时间 is in the future by nature and is not an event. (Same as-of as
-- platform_score_daily.sql.)
-- last_seen_at: the as-of of the export its current state comes from (meta.ingest_log.as_of, the
-- latest event in that file). is_stale: a later after-sale export of the shop exists and does not
-- list it (exports cover a window of application dates), so its current status is not known; its
-- deadline_state is 'stale' and it is neither overdue nor due. Filter is_stale for the work queue.
-- age_hours = as_of_at − 售后申请时间. deadline_state: overdue (截止时间 before as-of), due_24h
-- (within 24 h of as-of), later, no_deadline, or stale.
create or replace table marts.after_sale_backlog as
with after_sales as (
    select * from core.after_sales
),

order_lines as (
    select * from core.order_lines
),

ingest_log as (
    select * from meta.ingest_log where status = 'loaded'
),

latest_exports as (
    select shop_id, max(as_of) as latest_export_as_of
    from ingest_log
    where kind = 'after_sale'
    group by shop_id
),

shop_as_of as (
    select * from intermediate.int_shop_as_of
),

open_after_sales as (
    select
        after_sales.*,
        shop_as_of.as_of_at,
        ingest_log.as_of as last_seen_at,
        coalesce(ingest_log.as_of < latest_exports.latest_export_as_of, false) as is_stale,
        date_diff('second', after_sales.applied_at, shop_as_of.as_of_at) / 3600 as age_hours,
        date_diff('second', shop_as_of.as_of_at, after_sales.deadline_at) / 3600 as hours_to_deadline
    from after_sales
    inner join shop_as_of on shop_as_of.shop_id = after_sales.shop_id
    left join ingest_log on ingest_log.file_id = after_sales.source_file_id
    left join latest_exports on latest_exports.shop_id = after_sales.shop_id
    where after_sales.after_sale_status_group = 'in_progress' or after_sales.after_sale_status_group is null
),

final as (
    select
        open_after_sales.shop_id,
        open_after_sales.as_of_at,
        open_after_sales.after_sale_id,
        open_after_sales.order_id,
        open_after_sales.order_item_id,
        coalesce(open_after_sales.after_sale_type, '未知') as after_sale_type,
        open_after_sales.after_sale_status,
        coalesce(open_after_sales.after_sale_status_group, 'unknown') as after_sale_status_group,
        open_after_sales.reason_group,
        coalesce(order_lines.product_id, open_after_sales.product_id) as product_id,
        coalesce(order_lines.sku_code, open_after_sales.sku_code) as sku_code,
        open_after_sales.applied_at,
        open_after_sales.last_seen_at,
        open_after_sales.is_stale,
        open_after_sales.age_hours,
        case
            when open_after_sales.age_hours is null then 'unknown'
            when open_after_sales.age_hours < 24 then '0-1d'
            when open_after_sales.age_hours < 48 then '1-2d'
            when open_after_sales.age_hours < 72 then '2-3d'
            when open_after_sales.age_hours < 168 then '3-7d'
            when open_after_sales.age_hours < 336 then '7-14d'
            else '14d+'
        end as age_bucket,
        case
            when open_after_sales.age_hours is null then 7
            when open_after_sales.age_hours < 24 then 1
            when open_after_sales.age_hours < 48 then 2
            when open_after_sales.age_hours < 72 then 3
            when open_after_sales.age_hours < 168 then 4
            when open_after_sales.age_hours < 336 then 5
            else 6
        end as age_bucket_order,
        open_after_sales.deadline_at,
        open_after_sales.hours_to_deadline,
        case
            when open_after_sales.is_stale then 'stale'
            when open_after_sales.deadline_at is null then 'no_deadline'
            when open_after_sales.hours_to_deadline < 0 then 'overdue'
            when open_after_sales.hours_to_deadline < 24 then 'due_24h'
            else 'later'
        end as deadline_state,
        coalesce(not open_after_sales.is_stale and open_after_sales.hours_to_deadline < 0, false)
            as is_overdue,
        coalesce(
            not open_after_sales.is_stale
            and open_after_sales.hours_to_deadline >= 0
            and open_after_sales.hours_to_deadline < 24,
            false
        ) as is_due_within_24h
    from open_after_sales
    left join order_lines on order_lines.order_item_id = open_after_sales.order_item_id
)

select * from final order by shop_id, after_sale_id;
