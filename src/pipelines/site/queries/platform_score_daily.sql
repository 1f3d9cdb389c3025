-- The 体验分风险 page: our ESTIMATES of 商品品质退货率 and 发货物流品退率 (marts.platform_score_daily:
-- rolling windows ending each day, with the band each value falls in), the last 180 days of each
-- shop. week_start/week/week_days place each day in its ISO week for the page's range filter
-- (week_days: days of that week up to the shop's last day). 售后平均审核时长 is on the 售后时效 page.
-- Grain: one row per (shop_id, date, metric).
with daily as (
    select *
    from marts.platform_score_daily
    where metric in ('product_quality_return_rate', 'logistics_quality_return_rate')
),

shop_last as (
    select shop_id, max(date) as last_date from daily group by shop_id
),

final as (
    select
        strftime(date_trunc('week', daily.date), '%Y-%m-%d') as week_start,
        strftime(daily.date, '%G-W%V') as week,
        least(date_diff('day', date_trunc('week', daily.date)::date, shop_last.last_date) + 1, 7)::integer
            as week_days,
        daily.shop_id,
        strftime(daily.date, '%Y-%m-%d') as date,
        daily.metric,
        daily.metric_label,
        daily.is_estimate,
        daily.is_full_window,
        daily.numerator::integer as numerator,
        daily.denominator::integer as denominator,
        daily.value,
        daily.band::integer as band,
        daily.band_score,
        daily.low_volume
    from daily
    inner join shop_last on shop_last.shop_id = daily.shop_id
    where daily.date > shop_last.last_date - 180
)

select * from final order by shop_id, date, metric;
