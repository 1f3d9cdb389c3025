-- Buyers worth a second look (恶意退货防范): many returns, or refund-only claims on a large share of
-- what they were sent. A list to check, not a verdict.
-- Grain: one row per (shop_id, buyer_risk_key), only buyers with at least one flag, ranked.
--
-- buyer_risk_key approximates a buyer: sha256 of core.order_lines.buyer_key (itself a sha256 of the
-- salted hashes of the masked 收件人, 收件人手机号 and 详细地址) with 市 and 区. Nothing else about the
-- buyer is published; the salt is per warehouse, so keys cannot be matched across warehouses.
-- 子订单 without any recipient field have no key and are left out.
-- Counts are of 子订单 (like the return rates): returned_orders are returned 子订单 (shipped, with an
-- effective after-sale); refund_only_orders are shipped 子订单 with a 已发货仅退款 application of any
-- status (a rejected claim is still a claim). Thresholds: marts.cost_assumptions, area 'risk'.
-- has_many_returns: returned_orders ≥ min_returns. has_high_refund_only: refund_only_orders ≥
-- min_refund_only_orders and refund_only_share ≥ min_refund_only_share. risk_rank orders a shop's
-- list: high refund-only share first, then by refund-only claims, then by returns.
-- The counts per buyer come from intermediate.int_buyers (per 子订单: int_buyer_lines), which a
-- load updates for the buyers it touched; flags and ranks are recomputed here, over all buyers.
create or replace table marts.risk_buyers as
with buyers as (
    select * from intermediate.int_buyers
),

settings as (
    select
        max(value) filter (where parameter = 'min_returns') as min_returns,
        max(value) filter (where parameter = 'min_refund_only_orders') as min_refund_only_orders,
        max(value) filter (where parameter = 'min_refund_only_share') as min_refund_only_share
    from marts.cost_assumptions
    where area = 'risk'
),

flagged as (
    select
        buyers.*,
        case when shipped_orders > 0 then returned_orders / shipped_orders end as return_rate,
        case when shipped_orders > 0 then refund_only_orders / shipped_orders end as refund_only_share,
        returned_orders >= settings.min_returns as has_many_returns,
        (
            refund_only_orders >= settings.min_refund_only_orders
            and shipped_orders > 0
            and refund_only_orders / shipped_orders >= settings.min_refund_only_share
        ) as has_high_refund_only
    from buyers
    cross join settings
),

-- Hashed only now, for the few buyers listed.
listed as (
    select
        * exclude (buyer_key, city, district),
        sha256(concat_ws('|', buyer_key, city, district)) as buyer_risk_key
    from flagged
    where has_many_returns or has_high_refund_only
),

final as (
    select
        shop_id,
        row_number() over (
            partition by shop_id
            order by has_high_refund_only desc, refund_only_orders desc, returned_orders desc, buyer_risk_key
        ) as risk_rank,
        buyer_risk_key,
        has_high_refund_only,
        has_many_returns,
        main_order_count,
        paid_orders,
        shipped_orders,
        returned_orders,
        refund_only_orders,
        after_sale_count,
        return_rate,
        refund_only_share,
        first_applied_at,
        last_applied_at
    from listed
)

select * from final order by shop_id, risk_rank;
