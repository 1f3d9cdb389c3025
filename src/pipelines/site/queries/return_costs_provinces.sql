-- The regions page's cost columns: marts.return_costs summed to order-cohort week by shop, category,
-- channel (流量来源) and province (GB/T 2260 code; NULL is the 未知 bucket), the grain of the page's
-- return-rate rows (queries/regions.sql), so that the same filters apply. Additive: cost per
-- returned 子订单 = Σ total_cost_amount ÷ Σ returned_orders, per paid 子订单 ÷ Σ paid_orders,
-- logistics share = Σ logistics_cost_amount ÷ Σ gmv_amount (docs/metrics.md §9.2). Published
-- column-wise (see return_costs_reasons.sql).
-- Grain: one row per (week_start, shop_id, category, channel, province_code).
with costs as (
    select * from marts.return_costs
),

weekly as (
    select
        date_trunc('week', cohort_date)::date as week_start,
        shop_id,
        category,
        traffic_source as channel,
        province_code,
        sum(paid_orders)::double as paid_orders,
        sum(returned_orders)::double as returned_orders,
        sum(gmv_amount)::double as gmv_amount,
        sum(logistics_cost_amount)::double as logistics_cost_amount,
        sum(total_cost_amount)::double as total_cost_amount
    from costs
    group by all
),

numbered as (
    select
        *,
        row_number() over (
            order by week_start, shop_id, category nulls last, channel nulls last, province_code nulls last
        ) as position
    from weekly
),

final as (
    select
        strftime(week_start, '%Y-%m-%d') as week_start,
        shop_id,
        category,
        channel,
        province_code,
        paid_orders,
        returned_orders,
        gmv_amount,
        logistics_cost_amount,
        total_cost_amount,
        position
    from numbered
)

select * exclude (position) from final order by position;
