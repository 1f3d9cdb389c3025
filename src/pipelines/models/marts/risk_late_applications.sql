-- After-sales applied for after the 7-day no-reason window (七天无理由, from 签收: domain.md §4.1).
-- For a no-reason return (is_no_reason) the merchant may refuse; for other reasons lateness alone
-- proves nothing, but a pattern of it is worth a look.
-- Grain: one row per after-sale (after_sale_id) of a shipped 子订单 (types 退货退款, 已发货仅退款,
-- 换货, any status) applied more than late_window_days after the estimated 签收.
--
-- 签收 is not exported: signed_at_estimate comes from intermediate.int_order_line_signed (the same
-- stand-in as platform_score_daily.sql); read signed_at_source, and raise sign_delay_days if the
-- carrier is slow. Parameters:
-- marts.cost_assumptions (late_window_days: area 'risk'; sign_delay_days: area 'platform').
-- After a load, only the after-sales of the 子订单 it touched are replaced (metrics/refresh.ts):
-- @incremental: order_item_id in changed_lines
create or replace table marts.risk_late_applications as
with after_sales as (
    select * from core.after_sales
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

order_lines as (
    select * from core.order_lines
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

settings as (
    select
        max(value) filter (where area = 'risk' and parameter = 'late_window_days') as late_window_days
    from marts.cost_assumptions
),

signed_lines as (
    select
        signed.order_item_id,
        signed.signed_at_estimate,
        signed.signed_at_source,
        order_lines.buyer_key,
        order_lines.city,
        order_lines.district
    from intermediate.int_order_line_signed as signed
    inner join order_lines on order_lines.order_item_id = signed.order_item_id
    -- @scope where signed.order_item_id in (select order_item_id from changed_lines)
),

timed as (
    select
        after_sales.*,
        signed_lines.signed_at_estimate,
        signed_lines.signed_at_source,
        signed_lines.buyer_key,
        signed_lines.city,
        signed_lines.district,
        date_diff('second', signed_lines.signed_at_estimate, after_sales.applied_at) / 86400
            as days_after_signing,
        settings.late_window_days
    from after_sales
    inner join signed_lines on signed_lines.order_item_id = after_sales.order_item_id
    cross join settings
    where after_sales.after_sale_type in ('退货退款', '已发货仅退款', '换货')
        and signed_lines.signed_at_estimate is not null
),

final as (
    select
        shop_id,
        after_sale_id,
        order_id,
        order_item_id,
        after_sale_type,
        coalesce(after_sale_status_group, 'unknown') as after_sale_status_group,
        reason_group,
        reason_quality_flag,
        reason_group = '七天无理由' as is_no_reason,
        applied_at,
        signed_at_estimate,
        signed_at_source,
        days_after_signing,
        days_after_signing - late_window_days as days_late,
        case
            when buyer_key is not null
                then sha256(concat_ws('|', buyer_key, coalesce(city, ''), coalesce(district, '')))
        end as buyer_risk_key
    from timed
    where days_after_signing > late_window_days
)

select * from final order by shop_id, after_sale_id;
