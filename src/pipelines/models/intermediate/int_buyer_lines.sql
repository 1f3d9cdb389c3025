-- Each 子订单 with an approximate buyer (core.order_lines.buyer_key, with 市 and 区), and the facts
-- marts/risk_buyers.sql counts per buyer. Definitions are those of risk_buyers; this table only
-- lets a load recount the buyers it touched (intermediate/int_buyers.sql) instead of all of them.
-- Grain: one row per order_item_id with a buyer_key. Never published: buyer_key is salted but per
-- 子订单.
-- After a load, only the rows of the 子订单 it touched are replaced (metrics/refresh.ts):
-- @incremental: order_item_id in changed_lines
create or replace table intermediate.int_buyer_lines as
with order_lines as (
    select * from core.order_lines
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

order_line_returns as (
    select * from intermediate.int_order_line_returns
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

after_sales as (
    select * from core.after_sales
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

line_after_sales as (
    select
        order_item_id,
        count(*) as after_sale_count,
        bool_or(after_sale_type = '已发货仅退款') as has_refund_only_claim,
        min(applied_at) as first_applied_at,
        max(applied_at) as last_applied_at
    from after_sales
    group by order_item_id
),

final as (
    select
        order_lines.order_item_id,
        order_lines.shop_id,
        order_lines.buyer_key,
        coalesce(order_lines.city, '') as city,
        coalesce(order_lines.district, '') as district,
        order_lines.order_id,
        order_line_returns.is_paid,
        order_line_returns.is_shipped,
        order_line_returns.is_returned,
        coalesce(line_after_sales.after_sale_count, 0) as after_sale_count,
        coalesce(line_after_sales.has_refund_only_claim, false) as has_refund_only_claim,
        line_after_sales.first_applied_at,
        line_after_sales.last_applied_at
    from order_lines
    inner join order_line_returns on order_line_returns.order_item_id = order_lines.order_item_id
    left join line_after_sales on line_after_sales.order_item_id = order_lines.order_item_id
    where order_lines.buyer_key is not null
)

select * from final;
