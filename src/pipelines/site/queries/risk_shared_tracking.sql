-- The 风险 page: return waybills on two or more after-sales (marts.risk_shared_tracking), most
-- suspicious first within a shop: by how the number is shared (different_buyers, then same_buyer,
-- same_item, same_order: the mart's own grading), then by after-sales on it, latest first. At most
-- 500 in all, the shops taking turns; shop_count says how many each shop has. Published: the
-- salted key of the number and the
-- 售后单号 on it (no 主订单编号, no buyer field).
-- Grain: one row per (shop_id, return_tracking_key).
with shared as (
    select * from marts.risk_shared_tracking
),

ranked as (
    select
        *,
        row_number() over (
            partition by shop_id
            order by
                case sharing
                    when 'different_buyers' then 1
                    when 'same_buyer' then 2
                    when 'same_item' then 3
                    else 4
                end,
                after_sale_count desc,
                last_applied_at desc,
                return_tracking_key
        ) as suspicion_rank,
        count(*) over (partition by shop_id) as shop_count
    from shared
),

final as (
    select
        shop_id,
        suspicion_rank::integer as suspicion_rank,
        shop_count::integer as shop_count,
        return_tracking_key,
        sharing,
        after_sale_count::integer as after_sale_count,
        order_item_count::integer as order_item_count,
        main_order_count::integer as main_order_count,
        buyer_count::integer as buyer_count,
        return_carrier,
        after_sale_ids,
        strftime(first_applied_at, '%Y-%m-%d') as first_applied_date,
        strftime(last_applied_at, '%Y-%m-%d') as last_applied_date
    from ranked
    qualify row_number() over (order by suspicion_rank, shop_id) <= 500
)

-- Shown in turns: every shop's first, then every shop's second …
select * from final order by suspicion_rank, shop_id;
