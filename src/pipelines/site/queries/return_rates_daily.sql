-- The overview's cohort facts: marts.return_rates_daily summed to order-cohort week by the
-- dimensions the page filters on (shop, category, channel = 流量来源). Every measure is additive,
-- so the page sums rows for any filter and rate = Σ numerator ÷ Σ denominator (docs/metrics.md §6).
-- Grain: one row per (week_start, shop_id, category, channel); NULL category / channel are groups.
-- week_days: how many days of the week the warehouse has cohorts for (7 unless it is the last week).
with daily as (
    select * from marts.return_rates_daily
),

as_of as (
    select max(cohort_date) as last_cohort_date from daily
),

weekly as (
    select
        date_trunc('week', daily.cohort_date)::date as week_start,
        daily.shop_id,
        daily.category,
        daily.traffic_source as channel,
        least(
            date_diff('day', date_trunc('week', daily.cohort_date)::date, as_of.last_cohort_date) + 1, 7
        )::integer as week_days,
        sum(daily.paid_orders)::double as paid_orders,
        sum(daily.shipped_orders)::double as shipped_orders,
        sum(daily.shipped_units)::double as shipped_units,
        sum(daily.returned_orders)::double as returned_orders,
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
        paid_orders,
        shipped_orders,
        shipped_units,
        returned_orders,
        returned_units
    from weekly
)

select * from final order by week_start, shop_id, category nulls last, channel nulls last;
