-- The reasons page: marts.return_rates_daily summed to order-cohort week by shop, category, channel
-- (流量来源), reason_group and reason. reason is NULL exactly on rows of 子订单 that were not returned,
-- so the returned units of a reason slice the numerator while the shipped units of ALL rows of a
-- group make its denominator (docs/metrics.md §3). Every measure is additive.
-- Grain: one row per (week_start, shop_id, category, channel, reason_group, reason).
with daily as (
    select * from marts.return_rates_daily
),

as_of as (
    select max(cohort_date) as last_cohort_date from daily
),

weekly as (
    select
        date_trunc('week', daily.cohort_date)::date as week_start,
        least(
            date_diff('day', date_trunc('week', daily.cohort_date)::date, as_of.last_cohort_date) + 1, 7
        )::integer as week_days,
        daily.shop_id,
        daily.category,
        daily.traffic_source as channel,
        daily.reason_group,
        daily.reason,
        sum(daily.shipped_units)::double as shipped_units,
        sum(daily.returned_units)::double as returned_units
    from daily
    cross join as_of
    group by all
    having sum(daily.shipped_units) > 0 or sum(daily.returned_units) > 0
),

final as (
    select
        strftime(week_start, '%Y-%m-%d') as week_start,
        strftime(week_start, '%G-W%V') as week,
        week_days,
        shop_id,
        category,
        channel,
        reason_group,
        reason,
        shipped_units,
        returned_units
    from weekly
)

select * from final order by all;
