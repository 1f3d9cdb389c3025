-- After-sales by the day they were applied for (售后申请时间, Beijing date): the workload view, a
-- second time basis beside the order cohort of return_rates_daily. Every after-sale counts, of any
-- type and in any status; the dimensions of its 子订单 come from core.order_lines when the order
-- export has the line (product and SKU fall back to the after-sale export's own columns).
-- Grain: one row per (shop_id, applied_date, after_sale_type, after_sale_status_group, reason_group,
-- reason, product_id, sku_code, size, color, category, province_code, province_name, city,
-- traffic_source, app_channel, traffic_type, traffic_format, influencer_name).
-- Unknown 售后类型 count under '未知', unknown status groups under 'unknown'; after-sales without a
-- 售后申请时间 have no day and are left out.
-- After a load, only the days (shop, 申请日) of the after-sales of the touched 子订单 are recounted
-- (incremental/after_sales_applied_daily.sql; metrics/refresh.ts):
-- @incremental: (shop_id, applied_date) in changed_applied_days
create or replace table marts.after_sales_applied_daily as
with after_sales as (
    select * from core.after_sales
    -- @scope where (shop_id, applied_at::date) in (select shop_id, applied_date from changed_applied_days)
),

order_lines as (
    select * from core.order_lines
),

applied as (
    select
        after_sales.shop_id,
        after_sales.applied_at::date as applied_date,
        coalesce(after_sales.after_sale_type, '未知') as after_sale_type,
        coalesce(after_sales.after_sale_status_group, 'unknown') as after_sale_status_group,
        after_sales.reason_group,
        coalesce(after_sales.reason_text, '未知') as reason,
        coalesce(order_lines.product_id, after_sales.product_id) as product_id,
        coalesce(order_lines.sku_code, after_sales.sku_code) as sku_code,
        order_lines.size,
        order_lines.color,
        order_lines.category,
        order_lines.province_code,
        coalesce(order_lines.province_name, '未知') as province_name,
        order_lines.city,
        order_lines.traffic_source,
        order_lines.app_channel,
        order_lines.traffic_type,
        order_lines.traffic_format,
        order_lines.influencer_name
    from after_sales
    left join order_lines on order_lines.order_item_id = after_sales.order_item_id
    where after_sales.applied_at is not null
),

final as (
    select
        *,
        count(*) as after_sale_count
    from applied
    group by all
)

-- Laid out by shop and day, for the date filters of readers; sorting on every column cost a third
-- of the model at 1M lines.
select * from final order by shop_id, applied_date;
