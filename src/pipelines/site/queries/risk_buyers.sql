-- The 风险 page: buyers with many returns or a high refund-only share (marts.risk_buyers), at most
-- 500 in all, the shops taking turns by the mart's risk_rank (each shop's first, then each one's
-- second …); shop_count says how many each shop has flagged. Buyers appear only as the mart's
-- buyer_risk_key (a hash; never core.order_lines.buyer_key).
-- Grain: one row per (shop_id, buyer_risk_key).
with buyers as (
    select * from marts.risk_buyers
),

final as (
    select
        shop_id,
        risk_rank::integer as risk_rank,
        (count(*) over (partition by shop_id))::integer as shop_count,
        buyer_risk_key,
        has_high_refund_only,
        has_many_returns,
        shipped_orders::integer as shipped_orders,
        returned_orders::integer as returned_orders,
        refund_only_orders::integer as refund_only_orders,
        after_sale_count::integer as after_sale_count,
        return_rate,
        refund_only_share,
        strftime(first_applied_at, '%Y-%m-%d') as first_applied_date,
        strftime(last_applied_at, '%Y-%m-%d') as last_applied_date
    from buyers
    qualify row_number() over (order by risk_rank, shop_id) <= 500
)

-- Shown in turns: every shop's first, then every shop's second …
select * from final order by risk_rank, shop_id;
