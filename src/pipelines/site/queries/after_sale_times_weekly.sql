-- The 售后时效 page: handling times of marts.after_sale_times_weekly (hours; by the ISO week of
-- 售后申请时间, per shop and after-sale type, '全部' = every type), the last 52 weeks. week_days is
-- how many days of the week the shop's data covers (its as-of, intermediate.int_shop_as_of): the
-- last week is partial. Means over several shops or weeks are Σ *_total ÷ Σ count; percentiles
-- cannot be combined and are shown per shop and week only. Hours rounded to 0.001.
-- Grain: one row per (shop_id, week_start, after_sale_type).
with times as (
    select * from marts.after_sale_times_weekly
),

shop_as_of as (
    select shop_id, as_of_at::date as as_of_date from intermediate.int_shop_as_of
),

recent as (
    select max(week_start) - interval 51 week as first_week from times
),

final as (
    select
        strftime(times.week_start, '%Y-%m-%d') as week_start,
        times.week,
        least(date_diff('day', times.week_start, shop_as_of.as_of_date) + 1, 7)::integer as week_days,
        times.shop_id,
        times.after_sale_type,
        times.after_sale_count::integer as after_sale_count,
        times.reviewed_count::integer as reviewed_count,
        round(times.review_hours_total, 3) as review_hours_total,
        round(times.review_hours_mean, 3) as review_hours_mean,
        round(times.review_hours_p50, 3) as review_hours_p50,
        round(times.review_hours_p90, 3) as review_hours_p90,
        times.refunded_count::integer as refunded_count,
        round(times.refund_hours_total, 3) as refund_hours_total,
        round(times.refund_hours_mean, 3) as refund_hours_mean,
        round(times.refund_hours_p50, 3) as refund_hours_p50,
        round(times.refund_hours_p90, 3) as refund_hours_p90,
        times.refunded_after_return_count::integer as refunded_after_return_count,
        round(times.refund_after_return_hours_total, 3) as refund_after_return_hours_total,
        round(times.refund_after_return_hours_mean, 3) as refund_after_return_hours_mean,
        round(times.refund_after_return_hours_p50, 3) as refund_after_return_hours_p50,
        round(times.refund_after_return_hours_p90, 3) as refund_after_return_hours_p90
    from times
    cross join recent
    left join shop_as_of on shop_as_of.shop_id = times.shop_id
    where times.week_start >= recent.first_week
)

select * from final order by week_start, shop_id, after_sale_type;
