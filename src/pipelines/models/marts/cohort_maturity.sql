-- Maturity and forecast of each order cohort: how complete its returns are by the lag curve
-- (marts.return_lag_curve), whether it is mature, and the unit return rate it is expected to end
-- at, with a 95% interval. Method and backtest: docs/metrics.md §7.
-- Grain: one row per (shop_id, category, cohort_date) with shipped 子订单; a NULL category (no SKU
-- master) is a group of its own. returned_units and observed_rate are unit-return-rate's, so far.
--
-- completion_share F = the cumulative share at lag min(age, horizon) of the curve that applies:
-- the (shop, category) curve if it is sufficient, else the shop's, else the one over all shops
-- (curve_level). Mature: F ≥ maturity_threshold [0.95].
-- Open returns: a return whose attributed after-sale is still in progress may yet be closed;
-- expected_closed_units = Σ units × the shop's share of closures among resolved requests that were
-- still open as many days after application. Kept = returned − expected closed.
-- Forecast, Bornhuetter–Ferguson with a Cape Cod prior: forecast = kept + p × shipped × (1 − F)
-- (the second term at most the units not returned yet),
-- p = Σ kept ÷ Σ shipped × F over the (shop, category)'s cohorts younger than
-- maturity_prior_window_days [56], blended with the shop's p at the weight of
-- maturity_prior_weight_units [200] units. chain_ladder_returned_units = kept ÷ F, the plain
-- completion factor, is kept for comparison (the backtest reports both).
-- Interval: variance = φ × p × remaining exposure + the closures' binomial variance (additive
-- over rows: process_variance_units) + remaining exposure² × Var(p), Var(p) = φ × p ÷ exposure of
-- the prior; φ ≥ 1 is the shop's Pearson dispersion of recent days around p × shipped × F. The
-- curve's own sampling error is left out; the backtest measures the coverage. The low end is never
-- below the settled returns (returned − open). For a sum of rows, add process_variance_units and,
-- per (shop, category), (Σ remaining_exposure_units)² × expected_return_rate_variance.
create or replace table marts.cohort_maturity as
with order_line_returns as (
    select * from intermediate.int_order_line_returns
),

after_sales as (
    select * from core.after_sales
),

curve as (
    select * from marts.return_lag_curve
),

settings as (
    select
        coalesce(
            (select value from meta.settings where key = 'maturity_horizon_days'), '60'
        )::integer as horizon_days,
        coalesce(
            (select value from meta.settings where key = 'maturity_threshold'), '0.95'
        )::double as threshold,
        coalesce(
            (select value from meta.settings where key = 'maturity_prior_window_days'), '56'
        )::integer as prior_window_days,
        coalesce(
            (select value from meta.settings where key = 'maturity_prior_weight_units'), '200'
        )::double as prior_weight_units,
        1.959964 as z
),

shop_as_of as (
    select distinct shop_id, as_of_date from curve where curve_level = 'shop'
),

-- Return requests still open at the as-of date may yet be closed (withdrawn, goods never sent
-- back, refused), and then the 子订单 is no return after all. The chance of that, for a request
-- open for τ days, is the share closed among the shop's resolved requests that were still open τ
-- days after application.
return_requests as (
    select
        after_sales.shop_id,
        after_sales.after_sale_status_group in ('closed', 'failed', 'rejected', 'cancelled') as is_closed,
        date_diff(
            'day',
            after_sales.applied_at::date,
            coalesce(after_sales.finalized_at, after_sales.closed_at, after_sales.refunded_at)::date
        ) as resolution_days
    from after_sales
    where after_sales.after_sale_type in ('退货退款', '已发货仅退款')
        and after_sales.applied_at is not null
        and after_sales.after_sale_status_group in ('succeeded', 'closed', 'failed', 'rejected', 'cancelled')
),

resolutions as (
    select
        shop_id,
        resolution_days,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where not is_closed) as succeeded_count
    from return_requests
    where resolution_days is not null
    group by all
),

closure_odds as (
    select
        shop_as_of.shop_id,
        open_days.open_days::integer as open_days,
        coalesce(sum(resolutions.closed_count), 0) as closed_count,
        coalesce(sum(resolutions.succeeded_count), 0) as succeeded_count
    from shop_as_of
    cross join settings
    cross join range(0, settings.horizon_days + 1) as open_days(open_days)
    left join resolutions
        on resolutions.shop_id = shop_as_of.shop_id
        and resolutions.resolution_days > open_days.open_days
    group by all
),

-- Each shipped 子订单 of a cohort; a return whose attributed after-sale is still open carries the
-- chance that it is closed yet (closure_chance, NULL for the others).
cohort_lines as (
    select
        returns.shop_id,
        returns.category,
        returns.cohort_date,
        returns.quantity,
        returns.is_returned,
        case
            when returns.is_returned
                and shop_as_of.shop_id is not null
                and (
                    returns.first_return_status_group is null
                    or returns.first_return_status_group not in ('succeeded', 'closed', 'failed', 'rejected', 'cancelled')
                )
                then coalesce(
                    closure_odds.closed_count / nullif(closure_odds.closed_count + closure_odds.succeeded_count, 0),
                    0.0
                )
        end as closure_chance
    from order_line_returns as returns
    cross join settings
    left join shop_as_of on shop_as_of.shop_id = returns.shop_id
    left join closure_odds
        on closure_odds.shop_id = returns.shop_id
        and closure_odds.open_days = least(
            greatest(date_diff('day', returns.first_return_applied_at::date, shop_as_of.as_of_date), 0),
            settings.horizon_days
        )
    where returns.is_shipped and returns.cohort_date is not null
),

cohorts as (
    select
        shop_id,
        category,
        cohort_date,
        count(*) as shipped_orders,
        coalesce(sum(quantity), 0) as shipped_units,
        count(*) filter (where is_returned) as returned_orders,
        coalesce(sum(quantity) filter (where is_returned), 0) as returned_units,
        coalesce(sum(quantity) filter (where closure_chance is not null), 0) as open_returned_units,
        coalesce(sum(quantity * closure_chance), 0) as expected_closed_units,
        coalesce(sum(quantity ** 2 * closure_chance * (1 - closure_chance)), 0) as closure_variance_units
    from cohort_lines
    group by all
),

aged as (
    select
        cohorts.*,
        cohorts.returned_units - cohorts.expected_closed_units as expected_kept_units,
        shop_as_of.as_of_date,
        date_diff('day', cohorts.cohort_date, shop_as_of.as_of_date) as age_days,
        least(greatest(date_diff('day', cohorts.cohort_date, shop_as_of.as_of_date), 0), settings.horizon_days)
            as curve_lag_day
    from cohorts
    inner join shop_as_of on shop_as_of.shop_id = cohorts.shop_id
    cross join settings
),

completed as (
    select
        aged.*,
        case
            when by_category.is_sufficient then 'category'
            when by_shop.is_sufficient then 'shop'
            else 'all'
        end as curve_level,
        -- No returns at all in the applicable curve: nothing to develop, the cohort counts as complete.
        coalesce(
            case
                when by_category.is_sufficient then by_category.cumulative_share
                when by_shop.is_sufficient then by_shop.cumulative_share
                else all_shops.cumulative_share
            end,
            1.0
        ) as completion_share
    from aged
    left join curve as by_category
        on by_category.curve_level = 'category'
        and by_category.shop_id = aged.shop_id
        and by_category.category is not distinct from aged.category
        and by_category.lag_day = aged.curve_lag_day
    left join curve as by_shop
        on by_shop.curve_level = 'shop'
        and by_shop.shop_id = aged.shop_id
        and by_shop.lag_day = aged.curve_lag_day
    left join curve as all_shops
        on all_shops.curve_level = 'all'
        and all_shops.lag_day = aged.curve_lag_day
),

recent as (
    select completed.*
    from completed, settings
    where completed.age_days < settings.prior_window_days
),

-- Cape Cod: returns expected to be kept ÷ the shipped units their completion share has exposed.
shop_prior as (
    select
        shop_id,
        sum(expected_kept_units) as kept_units,
        sum(shipped_units * completion_share) as exposure_units
    from recent
    group by shop_id
),

category_prior as (
    select
        shop_id,
        category,
        sum(expected_kept_units) as kept_units,
        sum(shipped_units * completion_share) as exposure_units
    from recent
    group by all
),

prior as (
    select
        category_prior.shop_id,
        category_prior.category,
        category_prior.exposure_units + settings.prior_weight_units as prior_exposure_units,
        case
            when shop_prior.exposure_units > 0
                then greatest(
                    (
                        category_prior.kept_units
                        + settings.prior_weight_units * shop_prior.kept_units / shop_prior.exposure_units
                    ) / (category_prior.exposure_units + settings.prior_weight_units),
                    0.0
                )
            else 0.0
        end as expected_return_rate
    from category_prior
    inner join shop_prior on shop_prior.shop_id = category_prior.shop_id
    cross join settings
),

-- Pearson dispersion of the shop's recent days around p × shipped × F (φ ≥ 1).
expected_by_day as (
    select
        recent.shop_id,
        recent.cohort_date,
        sum(recent.expected_kept_units) as kept_units,
        sum(prior.expected_return_rate * recent.shipped_units * recent.completion_share) as expected_units
    from recent
    inner join prior
        on prior.shop_id = recent.shop_id
        and prior.category is not distinct from recent.category
    group by all
),

dispersion as (
    select
        shop_id,
        greatest(
            coalesce(
                sum((kept_units - expected_units) ** 2 / expected_units) filter (where expected_units > 0)
                / nullif(count(*) filter (where expected_units > 0) - 1, 0),
                1.0
            ),
            1.0
        ) as dispersion
    from expected_by_day
    group by shop_id
),

forecast as (
    select
        completed.*,
        completed.completion_share >= settings.threshold as is_mature,
        coalesce(prior.expected_return_rate, 0.0) as expected_return_rate,
        coalesce(dispersion.dispersion, 1.0) * coalesce(prior.expected_return_rate, 0.0)
            / coalesce(prior.prior_exposure_units, settings.prior_weight_units) as expected_return_rate_variance,
        completed.shipped_units * (1 - completed.completion_share) as remaining_exposure_units,
        coalesce(dispersion.dispersion, 1.0) as dispersion
    from completed
    left join prior
        on prior.shop_id = completed.shop_id
        and prior.category is not distinct from completed.category
    left join dispersion on dispersion.shop_id = completed.shop_id
    cross join settings
),

variances as (
    select
        *,
        -- Returns still to come can only be of units not returned yet.
        expected_kept_units + least(expected_return_rate * remaining_exposure_units, shipped_units - returned_units)
            as forecast_returned_units,
        dispersion * expected_return_rate * remaining_exposure_units + closure_variance_units
            as process_variance_units
    from forecast
),

intervals as (
    select
        *,
        process_variance_units + remaining_exposure_units ** 2 * expected_return_rate_variance
            as forecast_variance_units
    from variances
),

bounds as (
    select
        intervals.*,
        -- Returns already refunded or otherwise settled cannot be undone: the floor of the interval.
        greatest(
            intervals.returned_units - intervals.open_returned_units,
            intervals.forecast_returned_units - settings.z * sqrt(intervals.forecast_variance_units)
        ) as forecast_low_units,
        least(
            intervals.forecast_returned_units + settings.z * sqrt(intervals.forecast_variance_units),
            intervals.shipped_units
        ) as forecast_high_units
    from intervals
    cross join settings
),

final as (
    select
        shop_id,
        category,
        cohort_date,
        as_of_date,
        age_days::integer as age_days,
        curve_level,
        shipped_orders::bigint as shipped_orders,
        shipped_units::bigint as shipped_units,
        returned_orders::bigint as returned_orders,
        returned_units::bigint as returned_units,
        case when shipped_units > 0 then returned_units / shipped_units end as observed_rate,
        open_returned_units::bigint as open_returned_units,
        expected_closed_units,
        completion_share,
        is_mature,
        expected_return_rate,
        expected_return_rate_variance,
        dispersion,
        remaining_exposure_units,
        case when completion_share > 0 then expected_kept_units / completion_share end
            as chain_ladder_returned_units,
        forecast_returned_units,
        case when shipped_units > 0 then forecast_returned_units / shipped_units end as forecast_rate,
        process_variance_units,
        forecast_variance_units,
        forecast_low_units,
        forecast_high_units,
        case when shipped_units > 0 then forecast_low_units / shipped_units end as forecast_rate_low,
        case when shipped_units > 0 then forecast_high_units / shipped_units end as forecast_rate_high
    from bounds
)

select * from final order by shop_id, category nulls last, cohort_date;
