-- After-sales applied for after the 7-day no-reason window (七天无理由, from 签收: domain.md §4.1).
-- For a no-reason return (is_no_reason) the merchant may refuse; for other reasons lateness alone
-- proves nothing, but a pattern of it is worth a look.
-- Grain: one row per after-sale (after_sale_id) of a shipped 子订单 (types 退货退款, 已发货仅退款,
-- 换货, any status) applied more than late_window_days after the estimated 签收.
--
-- 签收 is not exported: signed_at_estimate is the earlier of the 子订单's 订单完成时间 and 发货时间 +
-- sign_delay_days (the same stand-in as platform_score_daily.sql; 订单完成 comes at or after 签收).
-- An estimate that is too late only hides late applications, one too early shows false ones: read
-- signed_at_source, and raise sign_delay_days if the carrier is slow. Parameters:
-- marts.cost_assumptions (late_window_days: area 'risk'; sign_delay_days: area 'platform').
create or replace table marts.risk_late_applications as
with after_sales as (
    select * from core.after_sales
),

order_lines as (
    select * from core.order_lines
),

settings as (
    select
        max(value) filter (where area = 'platform' and parameter = 'sign_delay_days') as sign_delay_days,
        max(value) filter (where area = 'risk' and parameter = 'late_window_days') as late_window_days
    from marts.cost_assumptions
),

signed_lines as (
    select
        order_lines.order_item_id,
        order_lines.buyer_key,
        order_lines.city,
        order_lines.district,
        least(
            order_lines.completed_at,
            order_lines.shipped_at + to_milliseconds((settings.sign_delay_days * 86400000)::bigint)
        ) as signed_at_estimate,
        case
            when order_lines.shipped_at is null then '订单完成时间'
            when order_lines.completed_at is null then '发货时间+N天'
            when order_lines.completed_at
                < order_lines.shipped_at + to_milliseconds((settings.sign_delay_days * 86400000)::bigint)
                then '订单完成时间'
            else '发货时间+N天'
        end as signed_at_source
    from order_lines
    cross join settings
    where order_lines.is_shipped
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
