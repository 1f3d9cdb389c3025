-- Why each SKU comes back: its returned units by the reason of the attributed (earliest effective)
-- after-sale, with counts, shares and ranks. Definitions: docs/metrics.md §8.
-- Grain: one row per (shop_id, sku_code, reason_group, reason) that occurred; reason is the
-- normalized reason text (未知 when missing), as in marts.return_rates_daily.
-- Same 子订单 as marts.problem_skus: shipped, with a 商家编码 and a cohort date. The returned units
-- of a SKU's rows add up to its returned_units there; the rates share its shipped_units as the
-- denominator (docs/metrics.md §3: a reason slices the numerator only).
create or replace table marts.sku_reasons as
with order_line_returns as (
    select * from intermediate.int_order_line_returns
),

order_lines as (
    select * from core.order_lines
),

lines as (
    select
        returns.shop_id,
        order_lines.sku_code,
        returns.is_returned,
        coalesce(returns.quantity, 0) as quantity,
        returns.first_return_reason_group as reason_group,
        coalesce(returns.first_return_reason_text, '未知') as reason
    from order_line_returns as returns
    inner join order_lines on order_lines.order_item_id = returns.order_item_id
    where returns.is_shipped and returns.cohort_date is not null and order_lines.sku_code is not null
),

sku_totals as (
    select
        shop_id,
        sku_code,
        sum(quantity)::bigint as sku_shipped_units,
        coalesce(sum(quantity) filter (where is_returned), 0)::bigint as sku_returned_units
    from lines
    group by all
),

by_reason as (
    select
        shop_id,
        sku_code,
        reason_group,
        reason,
        sum(quantity)::bigint as returned_units,
        count(*) as returned_orders
    from lines
    where is_returned
    group by all
),

with_groups as (
    select
        by_reason.*,
        (sum(returned_units) over reason_group)::bigint as group_returned_units,
        (sum(returned_orders) over reason_group)::bigint as group_returned_orders
    from by_reason
    window reason_group as (partition by shop_id, sku_code, reason_group)
),

final as (
    select
        with_groups.shop_id,
        with_groups.sku_code,
        with_groups.reason_group,
        with_groups.reason,
        with_groups.returned_units,
        with_groups.returned_orders,
        with_groups.returned_units / nullif(totals.sku_returned_units, 0) as share_of_returns,
        with_groups.returned_units / nullif(totals.sku_shipped_units, 0) as return_rate,
        with_groups.group_returned_units,
        with_groups.group_returned_orders,
        with_groups.group_returned_units / nullif(totals.sku_returned_units, 0) as group_share_of_returns,
        with_groups.group_returned_units / nullif(totals.sku_shipped_units, 0) as group_return_rate,
        dense_rank() over (
            partition by with_groups.shop_id, with_groups.sku_code
            order by with_groups.group_returned_units desc, with_groups.reason_group
        ) as group_rank,
        row_number() over (
            partition by with_groups.shop_id, with_groups.sku_code, with_groups.reason_group
            order by with_groups.returned_units desc, with_groups.reason
        ) as rank_in_group,
        row_number() over (
            partition by with_groups.shop_id, with_groups.sku_code
            order by with_groups.returned_units desc, with_groups.reason_group, with_groups.reason
        ) as reason_rank,
        totals.sku_returned_units,
        totals.sku_shipped_units
    from with_groups
    inner join sku_totals as totals
        on totals.shop_id = with_groups.shop_id and totals.sku_code = with_groups.sku_code
)

select * from final order by shop_id, sku_code, reason_rank;
