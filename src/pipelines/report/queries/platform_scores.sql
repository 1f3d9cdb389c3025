-- The platform-score estimates (marts.platform_score_daily) on the last day of the report week, and
-- on the last day of the week before, per shop and metric. A shop whose data ends within the week
-- shows its last day; a shop whose data ends before the week is left out.
with days as (
    select
        shop_id,
        max(date) filter (where date <= $week_start::date + 6) as report_date,
        max(date) filter (where date <= $week_start::date - 1) as previous_date
    from marts.platform_score_daily
    where $shop = '' or shop_id = $shop
    group by shop_id
)

select
    scores.shop_id,
    scores.metric,
    scores.metric_label,
    scores.unit,
    strftime(scores.date, '%Y-%m-%d') as date,
    scores.is_full_window,
    scores.numerator::double as numerator,
    scores.denominator::bigint as denominator,
    scores.value::double as value,
    scores.band::integer as band,
    scores.band_score::double as band_score,
    scores.low_volume,
    previous.value::double as previous_value,
    previous.band_score::double as previous_band_score
from days
inner join marts.platform_score_daily as scores
    on scores.shop_id = days.shop_id and scores.date = days.report_date
left join marts.platform_score_daily as previous
    on previous.shop_id = days.shop_id and previous.date = days.previous_date and previous.metric = scores.metric
where days.report_date >= $week_start::date
order by scores.shop_id, scores.metric
