-- Each 主订单 as marts/platform_score_daily.sql counts it: when it was signed for (estimated) and
-- paid, whether it has an effective 商品品质 after-sale, and whether its first after-sale is 物流品质.
-- Definitions: platform_score_daily's header, docs/metrics.md §9.4. Grain: one row per (shop_id,
-- order_id) with a 子订单. The mart sums these by day, so a load recomputes the 主订单 it touched
-- here (incremental/int_platform_orders.sql; metrics/refresh.ts):
-- @incremental: (shop_id, order_id) in changed_orders
create or replace table intermediate.int_platform_orders as
with order_lines as (
    select * from core.order_lines
    -- @scope where (shop_id, order_id) in (select shop_id, order_id from changed_orders)
),

order_line_returns as (
    select * from intermediate.int_order_line_returns
    -- @scope where (shop_id, order_id) in (select shop_id, order_id from changed_orders)
),

signed_lines as (
    select * from intermediate.int_order_line_signed
    -- @scope where (shop_id, order_id) in (select shop_id, order_id from changed_orders)
),

after_sales as (
    select * from core.after_sales
    -- @scope where (shop_id, order_id) in (select shop_id, order_id from changed_orders)
),

assumptions as (
    select * from marts.cost_assumptions where area = 'platform'
),

classified_after_sales as (
    select
        after_sales.shop_id,
        after_sales.order_id,
        after_sales.after_sale_id,
        after_sales.after_sale_type,
        after_sales.applied_at,
        coalesce(
            after_sales.after_sale_status_group not in ('closed', 'failed', 'rejected', 'cancelled'), true
        ) as is_not_closed,
        coalesce(
            after_sales.reason_quality_flag = '商品品质'
            or (
                after_sales.reason_quality_flag is null
                and after_sales.reason_group in (
                    select key from assumptions where parameter = 'quality_reason_group'
                )
            ),
            false
        ) as is_product_quality,
        coalesce(
            after_sales.reason_quality_flag = '物流品质'
            or (
                after_sales.reason_quality_flag is null
                and after_sales.reason_group in (
                    select key from assumptions where parameter = 'logistics_reason_group'
                )
            ),
            false
        ) as is_logistics_quality
    from after_sales
),

product_quality_orders as (
    select shop_id, order_id
    from classified_after_sales
    where is_product_quality and is_not_closed and after_sale_type in ('退货退款', '已发货仅退款')
    group by all
),

first_after_sales as (
    select shop_id, order_id, is_logistics_quality
    from classified_after_sales
    where is_not_closed
    qualify row_number() over (
        partition by shop_id, order_id
        order by applied_at nulls last, length(after_sale_id), after_sale_id
    ) = 1
),

orders as (
    select
        order_lines.shop_id,
        order_lines.order_id,
        min(signed.signed_at_estimate::date) as signed_date,
        min(order_line_returns.cohort_date) filter (where order_line_returns.is_paid) as paid_date
    from order_lines
    inner join order_line_returns on order_line_returns.order_item_id = order_lines.order_item_id
    left join signed_lines as signed on signed.order_item_id = order_lines.order_item_id
    group by all
),

final as (
    select
        orders.shop_id,
        orders.order_id,
        orders.signed_date,
        orders.paid_date,
        product_quality_orders.order_id is not null as is_product_quality_return,
        first_after_sales.is_logistics_quality as first_is_logistics_quality
    from orders
    left join product_quality_orders
        on product_quality_orders.shop_id = orders.shop_id
        and product_quality_orders.order_id = orders.order_id
    left join first_after_sales
        on first_after_sales.shop_id = orders.shop_id and first_after_sales.order_id = orders.order_id
)

select * from final;
