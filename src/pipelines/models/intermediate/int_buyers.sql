-- Per approximate buyer (shop, buyer_key, 市, 区): the counts marts/risk_buyers.sql flags and
-- ranks, from intermediate.int_buyer_lines. Grain: one row per (shop_id, buyer_key, city,
-- district). Never published (risk_buyers publishes a hash of the key, for flagged buyers only).
-- After a load, only the buyers of the 子订单 it touched, before and after, are recounted
-- (incremental/int_buyer_lines.sql, incremental/int_buyers.sql; metrics/refresh.ts):
-- @incremental: (shop_id, buyer_key, city, district) in changed_buyers
create or replace table intermediate.int_buyers as
with buyer_lines as (
    select * from intermediate.int_buyer_lines
    -- @scope where (shop_id, buyer_key, city, district) in (select shop_id, buyer_key, city, district from changed_buyers)
),

final as (
    select
        shop_id,
        buyer_key,
        city,
        district,
        count(distinct order_id) as main_order_count,
        count(*) filter (where is_paid) as paid_orders,
        count(*) filter (where is_shipped) as shipped_orders,
        sum(after_sale_count)::bigint as after_sale_count,
        count(*) filter (where is_returned) as returned_orders,
        count(*) filter (where is_shipped and has_refund_only_claim) as refund_only_orders,
        min(first_applied_at) as first_applied_at,
        max(last_applied_at) as last_applied_at
    from buyer_lines
    group by all
)

select * from final;
