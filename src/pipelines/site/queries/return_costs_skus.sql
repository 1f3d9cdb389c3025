-- The costs page's SKU table: marts.return_costs summed to order-cohort week by shop, category,
-- channel (流量来源) and SKU (商家编码), so that every filter of the page applies. To stay small
-- whatever the catalogue, only the 100 SKUs of each shop with the highest return cost over all
-- loaded weeks are listed by name (sku_rank 1–100, ties by SKU code); the other SKUs are summed per
-- (week, shop, category, channel) into one row with sku_rank NULL and sku_code NULL, so totals stay
-- exact. A listed SKU's figures are exact for any filter; under a narrow filter, a SKU outside the
-- 100 can be missing from the ranking (its cost is in the remainder row). sku_code NULL with a rank
-- is a 子订单 without 商家编码. Amounts are additive; published column-wise (see
-- return_costs_reasons.sql), with listed_skus beside the columns: one object per listed SKU (shop,
-- rank, code, and from marts.problem_skus its product ID and name, colour and size), so that names are not
-- repeated on every week's row.
-- Grain: one row per (week_start, shop_id, category, channel, sku_rank).
with settings as (
    select 100 as listed_skus_per_shop
),

costs as (
    select * from marts.return_costs
),

problem_skus as (
    select * from marts.problem_skus
),

sku_totals as (
    select shop_id, sku_code, sum(total_cost_amount) as total_cost_amount
    from costs
    group by shop_id, sku_code
),

ranked_skus as (
    select
        shop_id,
        sku_code,
        row_number() over (
            partition by shop_id order by total_cost_amount desc, sku_code nulls last
        )::integer as sku_rank
    from sku_totals
),

listed_skus as (
    select ranked_skus.*
    from ranked_skus
    cross join settings
    where ranked_skus.sku_rank <= settings.listed_skus_per_shop
),

weekly as (
    select
        date_trunc('week', costs.cohort_date)::date as week_start,
        costs.shop_id,
        costs.category,
        costs.traffic_source as channel,
        listed_skus.sku_rank,
        case when listed_skus.sku_rank is not null then costs.sku_code end as sku_code,
        sum(costs.paid_orders)::double as paid_orders,
        sum(costs.returned_orders)::double as returned_orders,
        sum(costs.gmv_amount)::double as gmv_amount,
        sum(costs.refund_goods_amount)::double as refund_goods_amount,
        sum(costs.logistics_cost_amount)::double as logistics_cost_amount,
        sum(costs.loss_amount)::double as loss_amount,
        sum(costs.total_cost_amount)::double as total_cost_amount
    from costs
    left join listed_skus
        on listed_skus.shop_id = costs.shop_id
        and listed_skus.sku_code is not distinct from costs.sku_code
    group by all
),

-- A listed SKU's product and attributes, from the published SKU facts (none without 商家编码).
sku_attributes as (
    select
        listed_skus.shop_id,
        listed_skus.sku_rank,
        listed_skus.sku_code,
        problem_skus.product_id,
        problem_skus.product_name,
        problem_skus.color,
        problem_skus.size
    from listed_skus
    left join problem_skus
        on problem_skus.shop_id = listed_skus.shop_id and problem_skus.sku_code = listed_skus.sku_code
),

numbered as (
    select
        *,
        row_number() over (
            order by week_start, shop_id, category nulls last, channel nulls last, sku_rank nulls last
        ) as position
    from weekly
),

final as (
    select
        list(strftime(week_start, '%Y-%m-%d') order by position) as week_start,
        list(shop_id order by position) as shop_id,
        list(category order by position) as category,
        list(channel order by position) as channel,
        list(sku_rank order by position) as sku_rank,
        list(sku_code order by position) as sku_code,
        list(paid_orders order by position) as paid_orders,
        list(returned_orders order by position) as returned_orders,
        list(gmv_amount order by position) as gmv_amount,
        list(refund_goods_amount order by position) as refund_goods_amount,
        list(logistics_cost_amount order by position) as logistics_cost_amount,
        list(loss_amount order by position) as loss_amount,
        list(total_cost_amount order by position) as total_cost_amount,
        (
            select list(
                {
                    shop_id: shop_id,
                    sku_rank: sku_rank,
                    sku_code: sku_code,
                    product_id: product_id,
                    product_name: product_name,
                    color: color,
                    size: size
                }
                order by shop_id, sku_rank
            )
            from sku_attributes
        ) as listed_skus
    from numbered
)

select * from final;
