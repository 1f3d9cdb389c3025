-- The costs page: marts.return_costs summed to order-cohort week by shop, category, channel
-- (流量来源) and the reason group of the attributed after-sale. reason_group is NULL exactly on the
-- rows of 子订单 that were not returned: they carry the GMV base and, with 运费险, the premium; a
-- returned 子订单 without a known group is 未知. Every amount and count is additive: cost per order and
-- share of GMV are Σ ÷ Σ over the chosen rows (by reason: the reason's cost ÷ the whole selection's
-- GMV, docs/metrics.md §9.2). return_refund_orders (退货退款: one handling fee each) and
-- merchant_freight_orders (the merchant pays their return parcel) let the page show how the
-- assumptions of marts.cost_assumptions turn into the amounts.
-- Published column-wise by the loader (columnar option: one list per column, repeated text
-- dictionary-encoded); src/components/columnar.ts `fromColumns` turns it back into rows.
-- Grain: one row per (week_start, shop_id, category, channel, reason_group).
with costs as (
    select * from marts.return_costs
),

as_of as (
    select max(cohort_date) as last_cohort_date from costs
),

weekly as (
    select
        date_trunc('week', costs.cohort_date)::date as week_start,
        least(
            date_diff('day', date_trunc('week', costs.cohort_date)::date, as_of.last_cohort_date) + 1, 7
        )::integer as week_days,
        costs.shop_id,
        costs.category,
        costs.traffic_source as channel,
        case when costs.is_returned then coalesce(costs.reason_group, '未知') end as reason_group,
        sum(costs.paid_orders)::double as paid_orders,
        sum(costs.returned_orders)::double as returned_orders,
        (count(*) filter (where costs.is_returned and costs.after_sale_type = '退货退款'))::double
            as return_refund_orders,
        (count(*) filter (where costs.return_freight_payer = 'merchant'))::double as merchant_freight_orders,
        sum(costs.gmv_amount)::double as gmv_amount,
        sum(costs.refund_goods_amount)::double as refund_goods_amount,
        sum(costs.outbound_freight_amount)::double as outbound_freight_amount,
        sum(costs.return_freight_amount)::double as return_freight_amount,
        sum(costs.refunded_freight_amount)::double as refunded_freight_amount,
        sum(costs.freight_insurance_amount)::double as freight_insurance_amount,
        sum(costs.goods_loss_amount)::double as goods_loss_amount,
        sum(costs.handling_amount)::double as handling_amount
    from costs
    cross join as_of
    group by all
),

numbered as (
    select
        *,
        row_number() over (
            order by week_start, shop_id, category nulls last, channel nulls last, reason_group nulls first
        ) as position
    from weekly
),

final as (
    select
        strftime(week_start, '%Y-%m-%d') as week_start,
        strftime(week_start, '%G-W%V') as week,
        week_days,
        shop_id,
        category,
        channel,
        reason_group,
        paid_orders,
        returned_orders,
        return_refund_orders,
        merchant_freight_orders,
        gmv_amount,
        refund_goods_amount,
        outbound_freight_amount,
        return_freight_amount,
        refunded_freight_amount,
        freight_insurance_amount,
        goods_loss_amount,
        handling_amount,
        position
    from numbered
)

select * exclude (position) from final order by position;
