-- Whether each 子订单 was returned, under the default definitions of docs/metrics.md, and which
-- after-sale it is attributed to. Everything downstream that counts returns reads this table.
-- Grain: one row per order_item_id (子订单编号), every row of core.order_lines.
--
-- Effective after-sale (有效售后): 售后类型 退货退款 or 已发货仅退款, and the latest 售后状态 is not
-- closed, failed, rejected or cancelled. A status we cannot classify (status group NULL) counts as
-- not closed: for a return rate the conservative error is to count a return, not to miss one.
-- The side flags (has_return_refund, …) use the same "not closed" rule, each for its own 售后类型;
-- an unknown 售后类型 (NULL) sets no flag.
-- Cohort date: 支付完成时间 as a Beijing date, else 订单提交时间 when the export lacks it.
-- category (from the SKU master) and first_return_status_group (the attributed after-sale's status
-- group now) are carried along for the maturity models, which would otherwise join 10M-row tables.
-- Ties between effective after-sales applied at the same moment go to the smaller 售后单号
-- (compared as numbers: shorter digit strings first).
-- After a load, only the rows of the 子订单 it touched are replaced (metrics/refresh.ts):
-- @incremental: order_item_id in changed_lines
create or replace table intermediate.int_order_line_returns as
with order_lines as (
    select * from core.order_lines
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

after_sales as (
    select * from core.after_sales
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

classified_after_sales as (
    select
        after_sale_id,
        order_item_id,
        after_sale_type,
        applied_at,
        reason_group,
        reason_text,
        reason_raw,
        after_sale_status_group,
        coalesce(
            after_sale_status_group not in ('closed', 'failed', 'rejected', 'cancelled'), true
        ) as is_not_closed
    from after_sales
),

effective_after_sales as (
    select *
    from classified_after_sales
    where after_sale_type in ('退货退款', '已发货仅退款') and is_not_closed
),

earliest_effective as (
    select
        order_item_id,
        after_sale_id,
        applied_at,
        after_sale_type,
        after_sale_status_group,
        reason_group,
        reason_text,
        reason_raw
    from effective_after_sales
    qualify row_number() over (
        partition by order_item_id
        order by applied_at nulls last, length(after_sale_id), after_sale_id
    ) = 1
),

line_flags as (
    select
        order_item_id,
        count(*) as after_sale_count,
        count(*) filter (where after_sale_type in ('退货退款', '已发货仅退款') and is_not_closed)
            as effective_after_sale_count,
        bool_or(after_sale_type = '退货退款' and is_not_closed) as has_return_refund,
        bool_or(after_sale_type = '已发货仅退款' and is_not_closed) as has_shipped_refund_only,
        bool_or(after_sale_type = '换货' and is_not_closed) as has_exchange,
        bool_or(after_sale_type = '未发货仅退款' and is_not_closed) as has_unshipped_refund_only
    from classified_after_sales
    group by order_item_id
),

final as (
    select
        order_lines.order_item_id,
        order_lines.order_id,
        order_lines.shop_id,
        order_lines.category,
        coalesce(order_lines.paid_at, order_lines.created_at)::date as cohort_date,
        case
            when order_lines.paid_at is not null then '支付完成时间'
            when order_lines.created_at is not null then '订单提交时间'
        end as cohort_date_source,
        (order_lines.paid_at is not null or order_lines.is_shipped) as is_paid,
        order_lines.is_shipped,
        order_lines.quantity,
        coalesce(line_flags.after_sale_count, 0)::integer as after_sale_count,
        coalesce(line_flags.effective_after_sale_count, 0)::integer as effective_after_sale_count,
        earliest_effective.after_sale_id is not null as has_effective_after_sale,
        (order_lines.is_shipped and earliest_effective.after_sale_id is not null) as is_returned,
        earliest_effective.after_sale_id as first_return_after_sale_id,
        earliest_effective.applied_at as first_return_applied_at,
        earliest_effective.after_sale_type as first_return_type,
        earliest_effective.after_sale_status_group as first_return_status_group,
        earliest_effective.reason_group as first_return_reason_group,
        earliest_effective.reason_text as first_return_reason_text,
        earliest_effective.reason_raw as first_return_reason_raw,
        coalesce(line_flags.has_return_refund, false) as has_return_refund,
        coalesce(line_flags.has_shipped_refund_only, false) as has_shipped_refund_only,
        coalesce(line_flags.has_exchange, false) as has_exchange,
        coalesce(line_flags.has_unshipped_refund_only, false) as has_unshipped_refund_only
    from order_lines
    left join line_flags on line_flags.order_item_id = order_lines.order_item_id
    left join earliest_effective on earliest_effective.order_item_id = order_lines.order_item_id
)

-- Not sorted: every reader joins or groups it, and the sort was a third of the model's time.
select * from final;
