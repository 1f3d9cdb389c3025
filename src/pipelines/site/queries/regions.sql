-- The regions page: marts.return_rates_daily summed to order-cohort week by shop, category, channel
-- (流量来源) and province (GB/T 2260 code; NULL is the 未知 bucket: 海外, "-", unparsable addresses).
-- Every measure is additive: rate = Σ returned_units ÷ Σ shipped_units over the chosen rows.
-- Grain: one row per (week_start, shop_id, category, channel, province_code).
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
        daily.province_code,
        max(daily.province_name) as province_name,
        sum(daily.shipped_units)::double as shipped_units,
        sum(daily.returned_units)::double as returned_units
    from daily
    cross join as_of
    group by all
),

final as (
    select
        strftime(week_start, '%Y-%m-%d') as week_start,
        strftime(week_start, '%G-W%V') as week,
        week_days,
        shop_id,
        category,
        channel,
        province_code,
        province_name,
        shipped_units,
        returned_units
    from weekly
)

select * from final order by all;
