-- How fast after-sales are handled, by the week they were applied for: review time (同意售后申请时间
-- − 售后申请时间), refund time (商家退款时间 − 售后申请时间: the buyer's wait, every type) and, for
-- 退货退款, refund after return (商家退款时间 − 退货发货时间: return transit plus the merchant's
-- receiving and refunding; the export has no time the parcel arrived). Hours; mean, p50 and p90
-- (quantile_cont: linear interpolation between the two nearest values).
-- Grain: one row per (shop_id, week_start, after_sale_type); after_sale_type '全部' is every type of
-- the shop and week together (percentiles cannot be added up from the per-type rows; the *_total
-- hour sums and counts can, for means over longer periods).
-- week_start is the Monday of the ISO week of 售后申请时间 (Beijing). An after-sale counts in a
-- measure once its end time is known: recent weeks hold only the after-sales handled so far, so read
-- their percentiles with the counts beside them. Negative durations (clock or data errors) are left
-- out of the measure; after-sales without an application time are left out altogether.
create or replace table marts.after_sale_times_weekly as
with after_sales as (
    select * from core.after_sales where applied_at is not null
),

durations as (
    select
        shop_id,
        date_trunc('week', applied_at)::date as week_start,
        coalesce(after_sale_type, '未知') as after_sale_type,
        date_diff('second', applied_at, approved_at) / 3600 as review_hours,
        date_diff('second', applied_at, refunded_at) / 3600 as refund_hours,
        case
            when after_sale_type = '退货退款' then date_diff('second', return_shipped_at, refunded_at) / 3600
        end as refund_after_return_hours
    from after_sales
),

valid as (
    select
        shop_id,
        week_start,
        after_sale_type,
        case when review_hours >= 0 then review_hours end as review_hours,
        case when refund_hours >= 0 then refund_hours end as refund_hours,
        case
            when refund_after_return_hours >= 0 then refund_after_return_hours
        end as refund_after_return_hours
    from durations
),

final as (
    select
        shop_id,
        week_start,
        strftime(week_start, '%G-W%V') as week,
        coalesce(after_sale_type, '全部') as after_sale_type,
        count(*) as after_sale_count,
        count(review_hours) as reviewed_count,
        coalesce(sum(review_hours), 0) as review_hours_total,
        avg(review_hours) as review_hours_mean,
        quantile_cont(review_hours, 0.5) as review_hours_p50,
        quantile_cont(review_hours, 0.9) as review_hours_p90,
        count(refund_hours) as refunded_count,
        coalesce(sum(refund_hours), 0) as refund_hours_total,
        avg(refund_hours) as refund_hours_mean,
        quantile_cont(refund_hours, 0.5) as refund_hours_p50,
        quantile_cont(refund_hours, 0.9) as refund_hours_p90,
        count(refund_after_return_hours) as refunded_after_return_count,
        coalesce(sum(refund_after_return_hours), 0) as refund_after_return_hours_total,
        avg(refund_after_return_hours) as refund_after_return_hours_mean,
        quantile_cont(refund_after_return_hours, 0.5) as refund_after_return_hours_p50,
        quantile_cont(refund_after_return_hours, 0.9) as refund_after_return_hours_p90
    from valid
    group by grouping sets ((shop_id, week_start, after_sale_type), (shop_id, week_start))
)

select * from final order by shop_id, week_start, after_sale_type;
