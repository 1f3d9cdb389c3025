-- Maturity and forecast by order-cohort week, for every shop / category filter of the overview
-- (including "all"): the forecast interval of a sum of cohorts is not the sum of the intervals, so
-- it is combined here by the rule of marts.cohort_maturity's header: variance = Σ process variance
-- + per (shop, category) (Σ remaining exposure)² × Var(p); bounds at ±1.96 σ, never below the
-- settled returns nor above the shipped units.
-- Grain: one row per (week_start, shop_id, category) with all_shops / all_categories marking the
-- rows that stand for every shop or every category (shop_id / category NULL there).
-- is_mature: every cohort of the week is mature. completion_share: shipped-weighted.
with maturity as (
    select * from marts.cohort_maturity
),

settings as (
    select 1.959964 as z
),

by_category_week as (
    select
        date_trunc('week', cohort_date)::date as week_start,
        shop_id,
        category,
        sum(shipped_units) as shipped_units,
        sum(returned_units) as returned_units,
        sum(open_returned_units) as open_returned_units,
        sum(forecast_returned_units) as forecast_returned_units,
        sum(shipped_units * completion_share) as completed_units,
        sum(process_variance_units)
            + sum(remaining_exposure_units) ** 2 * max(expected_return_rate_variance) as variance_units,
        bool_and(is_mature) as is_mature
    from maturity
    group by all
),

rolled as (
    select
        week_start,
        shop_id,
        category,
        grouping(shop_id) = 1 as all_shops,
        grouping(category) = 1 as all_categories,
        sum(shipped_units) as shipped_units,
        sum(returned_units) as returned_units,
        sum(open_returned_units) as open_returned_units,
        sum(forecast_returned_units) as forecast_returned_units,
        sum(completed_units) as completed_units,
        sum(variance_units) as variance_units,
        bool_and(is_mature) as is_mature
    from by_category_week
    group by grouping sets (
        (week_start, shop_id, category), (week_start, shop_id), (week_start, category), (week_start)
    )
),

bounded as (
    select
        rolled.*,
        greatest(
            rolled.returned_units - rolled.open_returned_units,
            rolled.forecast_returned_units - settings.z * sqrt(rolled.variance_units)
        ) as forecast_low_units,
        least(rolled.forecast_returned_units + settings.z * sqrt(rolled.variance_units), rolled.shipped_units)
            as forecast_high_units
    from rolled
    cross join settings
),

final as (
    select
        strftime(week_start, '%Y-%m-%d') as week_start,
        strftime(week_start, '%G-W%V') as week,
        case when all_shops then null else shop_id end as shop_id,
        case when all_categories then null else category end as category,
        all_shops,
        all_categories,
        shipped_units::double as shipped_units,
        returned_units::double as returned_units,
        is_mature,
        completed_units / nullif(shipped_units, 0) as completion_share,
        returned_units / nullif(shipped_units, 0) as observed_rate,
        forecast_returned_units / nullif(shipped_units, 0) as forecast_rate,
        forecast_low_units / nullif(shipped_units, 0) as forecast_rate_low,
        forecast_high_units / nullif(shipped_units, 0) as forecast_rate_high
    from bounded
)

select * from final order by week_start, all_shops, shop_id, all_categories, category nulls last;
