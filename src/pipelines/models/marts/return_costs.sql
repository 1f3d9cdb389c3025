-- What returns cost: logistics (outbound freight lost, return freight the merchant pays, freight
-- refunded to the buyer, 运费险 premium), loss (goods that do not come back sellable, plus handling)
-- and the refund (退商品金额, revenue given back), beside the GMV they are a share of. Every money
-- column is additive, so cost by any dimension, per order or as a share of GMV is Σ ÷ Σ.
-- Parameters come from marts.cost_assumptions (written before the marts: metrics/assumptions.ts);
-- the ones applied to a row are repeated on it (return_freight_payer, unit_cost_*, unsellable_rate).
-- Grain: one row per paid 子订单 with a cohort date (order_item_id), the GMV base. Cost columns are
-- non-zero only on returned 子订单 (shipped, with an effective after-sale: the default return
-- definition), except freight_insurance_amount, a premium on every shipped 主订单. Each returned
-- 子订单 is costed from its attributed after-sale (the earliest effective one), so that costs by
-- reason add up like returns by reason; reason_group and reason are NULL on the other rows.
--
-- Parcels: one outbound parcel per 主订单, its rate split over the 主订单's shipped 子订单; one return
-- parcel per 退货物流单号 (per after-sale when it has none), split over the returned 子订单 on it.
-- Splits are in whole fen, the remainder to the first 子订单s, so parcels add up to their rate.
--
-- After a load, only the rows that can have changed are replaced (metrics/refresh.ts): those of the
-- 主订单 and return parcels the touched 子订单 are or were in (incremental/return_costs.sql), since a
-- split depends on every 子订单 of its parcel. return_parcel_hash, a hash of the return parcel's key,
-- is kept for that: the key itself (a waybill number) is not published.
-- @incremental: order_item_id in cost_scope_lines
-- Its joins and windows over 10M 子订单 spill heavily at 1.5 GB (49 s against 33 s at 4 GB):
-- @memory: ceiling
-- The CTEs read more than once, directly or through costed_lines, are `not materialized`: DuckDB
-- would otherwise copy 10M wide rows into a temporary table to read them twice, which at 10M 子订单
-- took longer than the rest of the model (73 s against 46 s without; lines, the last one, 36 s
-- against 30 s).
create or replace table marts.return_costs as
with order_line_returns as not materialized (
    select * from intermediate.int_order_line_returns
    -- @scope where order_item_id in (select order_item_id from cost_window_lines)
),

order_lines as not materialized (
    select * from core.order_lines
    -- @scope where order_item_id in (select order_item_id from cost_window_lines)
),

after_sales as not materialized (
    select * from core.after_sales
    -- @scope where order_item_id in (select order_item_id from cost_window_lines)
),

assumptions as (
    select * from marts.cost_assumptions where area = 'costs'
),

settings as (
    select
        max(value) filter (where parameter = 'outbound_freight_per_parcel' and key = '*') as outbound_rate,
        max(value) filter (where parameter = 'return_freight_per_parcel' and key = '*') as return_rate,
        coalesce(max(value) filter (where parameter = 'merchant_pays_quality_flagged'), 0) = 1
            as merchant_pays_quality_flagged,
        max(text_value) filter (where parameter = 'other_return_freight_paid_by') as other_payer,
        coalesce(max(value) filter (where parameter = 'freight_insurance_premium_per_order'), 0) as premium,
        max(value) filter (where parameter = 'unit_cost_share_of_price') as cost_share,
        max(value) filter (where parameter = 'unsellable_rate' and key = '*') as unsellable_rate,
        max(value) filter (where parameter = 'handling_cost_per_return') as handling_cost
    from assumptions
),

province_rates as (
    select
        key as province_code,
        max(value) filter (where parameter = 'outbound_freight_per_parcel') as outbound_rate,
        max(value) filter (where parameter = 'return_freight_per_parcel') as return_rate
    from assumptions
    where parameter in ('outbound_freight_per_parcel', 'return_freight_per_parcel') and key <> '*'
    group by key
),

merchant_reason_groups as (
    select key as reason_group from assumptions where parameter = 'merchant_pays_return_freight'
),

unsellable_rates as (
    select key as reason_group, value as unsellable_rate
    from assumptions
    where parameter = 'unsellable_rate' and key <> '*'
),

lines as not materialized (
    select
        returns.order_item_id,
        returns.order_id,
        returns.shop_id,
        returns.cohort_date,
        returns.is_shipped,
        returns.is_returned,
        case when returns.is_returned then returns.first_return_after_sale_id end as after_sale_id,
        order_lines.product_id,
        order_lines.sku_code,
        order_lines.size,
        order_lines.color,
        order_lines.category,
        order_lines.province_code,
        order_lines.province_name,
        order_lines.city,
        order_lines.traffic_source,
        order_lines.app_channel,
        order_lines.traffic_type,
        order_lines.traffic_format,
        order_lines.influencer_name,
        order_lines.quantity,
        coalesce(order_lines.unit_price_amount, order_lines.payable_amount / nullif(order_lines.quantity, 0))
            as unit_price_amount,
        coalesce(order_lines.payable_amount, order_lines.unit_price_amount * order_lines.quantity, 0)
            as gmv_amount,
        order_lines.unit_cost_amount as master_unit_cost_amount
    from order_line_returns as returns
    inner join order_lines on order_lines.order_item_id = returns.order_item_id
    where returns.is_paid and returns.cohort_date is not null
),

costed_lines as not materialized (
    select
        lines.*,
        after_sales.after_sale_type,
        after_sales.applied_at::date as applied_date,
        after_sales.reason_group,
        coalesce(after_sales.reason_text, '未知') as reason,
        after_sales.reason_quality_flag,
        after_sales.refund_goods_amount,
        after_sales.refund_freight_amount,
        coalesce(upper(after_sales.return_tracking_no), after_sales.after_sale_id) as return_parcel_key,
        -- Units the after-sale covers: its 商品数量 when the export has it, at most the line's.
        coalesce(least(after_sales.quantity, lines.quantity), 1) as after_sale_units,
        coalesce(province_rates.outbound_rate, settings.outbound_rate) as outbound_rate,
        coalesce(province_rates.return_rate, settings.return_rate) as return_rate,
        case when settings.other_payer = 'insurance' then settings.premium else 0 end as premium,
        case
            when after_sales.after_sale_type <> '退货退款' then null
            when after_sales.reason_group in (select reason_group from merchant_reason_groups) then 'merchant'
            when settings.merchant_pays_quality_flagged and after_sales.reason_quality_flag is not null
                then 'merchant'
            else settings.other_payer
        end as return_freight_payer,
        case
            when lines.master_unit_cost_amount is not null then lines.master_unit_cost_amount
            else round(lines.unit_price_amount * settings.cost_share, 2)
        end as unit_cost_amount,
        case
            when lines.master_unit_cost_amount is not null then '商品档案'
            when lines.unit_price_amount is not null then '售价比例'
        end as unit_cost_source,
        case
            when after_sales.after_sale_type = '已发货仅退款' then 1.0
            when after_sales.after_sale_type = '退货退款'
                then coalesce(unsellable_rates.unsellable_rate, settings.unsellable_rate)
        end as unsellable_rate,
        settings.handling_cost
    from lines
    cross join settings
    left join after_sales on after_sales.after_sale_id = lines.after_sale_id
    left join province_rates on province_rates.province_code = lines.province_code
    left join unsellable_rates on unsellable_rates.reason_group = after_sales.reason_group
),

-- Each 子订单's place in its order's outbound parcel, numbered on the keys alone (the same rows as
-- lines; int_order_line_returns has a row for every 子订单 of core.order_lines): sorting the wide
-- costed rows instead spilled heavily at 10M lines.
outbound_order as (
    select
        order_item_id,
        count(*) filter (where is_shipped) over (partition by shop_id, order_id) as outbound_lines,
        row_number() over (
            partition by shop_id, order_id
            order by not is_shipped, order_item_id
        ) as outbound_position
    from order_line_returns
    where is_paid and cohort_date is not null
),

-- Whole-fen splits: each of n 子订单 gets floor(total / n), the first (total mod n) one fen more.
outbound_parcels as (
    select
        costed_lines.*,
        outbound_order.outbound_lines,
        outbound_order.outbound_position,
        round(costed_lines.outbound_rate * 100)::bigint as outbound_fen,
        round(costed_lines.premium * 100)::bigint as premium_fen
    from costed_lines
    inner join outbound_order on outbound_order.order_item_id = costed_lines.order_item_id
),

-- The return parcel's rate is that of its first 子订单's province.
return_parcels as (
    select
        order_item_id,
        count(*) over (partition by shop_id, return_parcel_key) as return_lines,
        row_number() over (partition by shop_id, return_parcel_key order by order_item_id) as return_position,
        round(
            100 * first_value(return_rate) over (
                partition by shop_id, return_parcel_key order by order_item_id
            )
        )::bigint as return_fen
    from costed_lines
    where is_returned and after_sale_type = '退货退款'
),

parcels as (
    select outbound_parcels.*, return_parcels.* exclude (order_item_id)
    from outbound_parcels
    left join return_parcels on return_parcels.order_item_id = outbound_parcels.order_item_id
),

components as (
    select
        *,
        case
            when is_returned
                then (
                    outbound_fen // outbound_lines + (outbound_position <= outbound_fen % outbound_lines)::int
                ) / 100
            else 0
        end as outbound_freight,
        case
            when return_freight_payer = 'merchant'
                then (return_fen // return_lines + (return_position <= return_fen % return_lines)::int) / 100
            else 0
        end as return_freight,
        case
            when is_shipped
                then (
                    premium_fen // outbound_lines + (outbound_position <= premium_fen % outbound_lines)::int
                ) / 100
            else 0
        end as freight_insurance,
        case when is_returned then coalesce(refund_freight_amount, 0) else 0 end as refunded_freight,
        case
            when is_returned then round(coalesce(unit_cost_amount, 0) * after_sale_units * unsellable_rate, 2)
            else 0
        end as goods_loss,
        case when is_returned and after_sale_type = '退货退款' then handling_cost else 0 end as handling
    from parcels
),

final as (
    select
        shop_id,
        order_id,
        order_item_id,
        cohort_date,
        is_shipped,
        is_returned,
        after_sale_id,
        after_sale_type,
        applied_date,
        case when is_returned then reason_group end as reason_group,
        case when is_returned then reason end as reason,
        reason_quality_flag,
        product_id,
        sku_code,
        size,
        color,
        category,
        province_code,
        province_name,
        city,
        traffic_source,
        app_channel,
        traffic_type,
        traffic_format,
        influencer_name,
        1 as paid_orders,
        is_returned::integer as returned_orders,
        case when is_returned then after_sale_units else 0 end::integer as after_sale_units,
        gmv_amount::decimal(18, 2) as gmv_amount,
        case when is_returned then coalesce(refund_goods_amount, 0) else 0 end::decimal(18, 2)
            as refund_goods_amount,
        (is_returned and refund_goods_amount is null) as is_refund_amount_missing,
        outbound_freight::decimal(18, 2) as outbound_freight_amount,
        return_freight::decimal(18, 2) as return_freight_amount,
        refunded_freight::decimal(18, 2) as refunded_freight_amount,
        freight_insurance::decimal(18, 2) as freight_insurance_amount,
        (outbound_freight + return_freight + refunded_freight + freight_insurance)::decimal(18, 2)
            as logistics_cost_amount,
        goods_loss::decimal(18, 2) as goods_loss_amount,
        handling::decimal(18, 2) as handling_amount,
        (goods_loss + handling)::decimal(18, 2) as loss_amount,
        (outbound_freight + return_freight + refunded_freight + freight_insurance + goods_loss + handling)
            ::decimal(18, 2) as total_cost_amount,
        case when is_returned then return_freight_payer end as return_freight_payer,
        case when is_returned then unit_cost_amount end::decimal(18, 2) as unit_cost_amount,
        case when is_returned then unit_cost_source end as unit_cost_source,
        case when is_returned then unsellable_rate end::double as unsellable_rate,
        case when is_returned then after_sale_units * unsellable_rate else 0 end::double
            as expected_lost_units,
        case when return_lines is not null then hash(return_parcel_key) end as return_parcel_hash
    from components
)

-- No ORDER BY: as long as the order export, and a sort of it costs more than it is worth.
select * from final
-- @scope where order_item_id in (select order_item_id from cost_scope_lines)
;
