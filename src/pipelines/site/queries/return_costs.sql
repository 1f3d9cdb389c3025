-- What returns cost, by order-cohort week and the overview's filter dimensions: marts.return_costs
-- is one row per paid 子订单; every money column is additive (Σ ÷ Σ for shares).
-- Grain: one row per (week_start, shop_id, category, channel).
with costs as (
    select * from marts.return_costs
),

final as (
    select
        strftime(date_trunc('week', cohort_date), '%Y-%m-%d') as week_start,
        shop_id,
        category,
        traffic_source as channel,
        sum(gmv_amount)::double as gmv_amount,
        sum(refund_goods_amount)::double as refund_goods_amount,
        sum(logistics_cost_amount)::double as logistics_cost_amount,
        sum(loss_amount)::double as loss_amount,
        sum(total_cost_amount)::double as total_cost_amount
    from costs
    group by all
)

select * from final order by week_start, shop_id, category nulls last, channel nulls last;
