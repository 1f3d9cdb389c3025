-- The lag curve of returns: the share of a cohort's eventual returned units that have been applied
-- for by day k after payment, per shop and category, per shop, and over all shops. Maturity and the
-- forecast of recent cohorts (marts.cohort_maturity) read it. Method: docs/metrics.md §7.
-- Grain: one row per (shop_id, category, lag_day), lag_day 0 … horizon_days. shop_id '全部' is the
-- curve over all shops and category '全部' the curve over all categories of a shop; a NULL category
-- (no SKU master) is a group of its own.
--
-- Lag of a returned 子订单 = Beijing date of its attributed (earliest effective) after-sale's
-- 售后申请时间 − cohort date, in days (0 = applied on the day of payment; negative lags count as 0).
-- "Eventual" means applied within horizon_days of payment: later returns stay in the observed
-- rates but are not part of the curve, and the curve is 1 at the horizon by definition.
--
-- Right-censoring: a cohort aged a days (as-of date − cohort date) shows only its returns with lag
-- ≤ a, so a share computed naively over all cohorts overstates the early days. The estimator is the
-- reverse-time product-limit (Kaplan–Meier for right-truncated lags), which is the chain ladder on
-- cumulative returns: F(horizon) = 1 and F(k − 1) = F(k) × (1 − d_k / n_k), where d_k = returned
-- units with lag k and n_k = returned units with lag ≤ k among cohorts observed through day k
-- (age ≥ k); n_k / (n_k − d_k) is the chain-ladder development factor from day k − 1 to day k.
-- Where no cohort is observed through day k (n_k = 0) the factor is 1: returns later than the
-- history can show are assumed not to exist, so a warehouse younger than the horizon understates
-- late returns.
--
-- As-of date of a shop = Beijing date of the latest event its orders and after-sales show (the
-- same events meta.ingest_log.as_of takes from a file); that day is treated as complete. Settings
-- (meta.settings, defaults in brackets): maturity_horizon_days [60], maturity_min_curve_returns
-- [100] = returned 子订单 within the horizon a curve needs to be used (is_sufficient).
create or replace table marts.return_lag_curve as
with order_line_returns as (
    select * from intermediate.int_order_line_returns
),

order_lines as (
    select * from core.order_lines
),

after_sales as (
    select * from core.after_sales
),

settings as (
    select
        coalesce(
            (select value from meta.settings where key = 'maturity_horizon_days'), '60'
        )::integer as horizon_days,
        coalesce(
            (select value from meta.settings where key = 'maturity_min_curve_returns'), '100'
        )::integer as min_curve_returns
),

events as (
    select shop_id, greatest(created_at, paid_at, shipped_at, completed_at) as event_at
    from order_lines
    union all
    select
        shop_id,
        greatest(
            applied_at, approved_at, return_shipped_at, refunded_at, refund_arrived_at, closed_at,
            finalized_at
        ) as event_at
    from after_sales
),

shop_as_of as (
    select shop_id, max(event_at)::date as as_of_date
    from events
    where shop_id is not null
    group by shop_id
    having max(event_at) is not null
),

shipped_lines as (
    select
        returns.shop_id,
        returns.category,
        returns.cohort_date,
        returns.quantity,
        returns.is_returned,
        date_diff('day', returns.cohort_date, shop_as_of.as_of_date) as age_days,
        greatest(date_diff('day', returns.cohort_date, returns.first_return_applied_at::date), 0) as lag_days
    from order_line_returns as returns
    inner join shop_as_of on shop_as_of.shop_id = returns.shop_id
    where returns.is_shipped and returns.cohort_date is not null
),

-- Returned units by (group, lag, age capped at the horizon): small enough to expand over lag days.
returns_by_lag_and_age as (
    select
        shop_id,
        category,
        lag_days,
        least(age_days, settings.horizon_days) as observed_through,
        coalesce(sum(quantity), 0) as returned_units,
        count(*) as returned_orders
    from shipped_lines, settings
    where is_returned and lag_days is not null and lag_days <= settings.horizon_days
    group by all
),

groups as (
    select distinct 'category' as curve_level, shop_id, category from shipped_lines
    union all
    select distinct 'shop' as curve_level, shop_id, '全部' as category from shipped_lines
    union all
    select 'all' as curve_level, '全部' as shop_id, '全部' as category
    where exists (select 1 from shipped_lines)
),

group_returns as (
    select 'category' as curve_level, shop_id, category, lag_days, observed_through, returned_units, returned_orders
    from returns_by_lag_and_age
    union all
    select 'shop' as curve_level, shop_id, '全部' as category, lag_days, observed_through, returned_units, returned_orders
    from returns_by_lag_and_age
    union all
    select 'all' as curve_level, '全部' as shop_id, '全部' as category, lag_days, observed_through, returned_units, returned_orders
    from returns_by_lag_and_age
),

grid as (
    select groups.*, lag.lag_day::integer as lag_day
    from groups, settings, range(0, settings.horizon_days + 1) as lag(lag_day)
),

development as (
    select
        grid.curve_level,
        grid.shop_id,
        grid.category,
        grid.lag_day,
        coalesce(sum(group_returns.returned_units) filter (where group_returns.lag_days = grid.lag_day), 0)
            as returned_units_at_lag,
        coalesce(sum(group_returns.returned_orders) filter (where group_returns.lag_days = grid.lag_day), 0)
            as returned_orders_at_lag,
        coalesce(
            sum(group_returns.returned_units) filter (where group_returns.observed_through >= grid.lag_day), 0
        ) as units_at_risk
    from grid
    left join group_returns
        on group_returns.curve_level = grid.curve_level
        and group_returns.shop_id = grid.shop_id
        and group_returns.category is not distinct from grid.category
        and group_returns.lag_days <= grid.lag_day
    group by all
),

factors as (
    select
        *,
        -- 1 − d_k / n_k: the chance that a return known by day k was already in by day k − 1.
        case when units_at_risk > 0 then 1 - returned_units_at_lag / units_at_risk else 1 end as survival_factor
    from development
),

cumulated as (
    select
        *,
        -- F(k) = the product of the factors of the days after k (1 at the horizon).
        coalesce(product(survival_factor) over later_days, 1.0) as share
    from factors
    window later_days as (
        partition by curve_level, shop_id, category
        order by lag_day desc
        rows between unbounded preceding and 1 preceding
    )
),

totals as (
    select
        curve_level,
        shop_id,
        category,
        sum(returned_units_at_lag) as curve_returned_units,
        sum(returned_orders_at_lag) as curve_returned_orders
    from development
    group by all
),

as_of as (
    select shop_id, as_of_date from shop_as_of
    union all
    select '全部' as shop_id, max(as_of_date) as as_of_date from shop_as_of
),

final as (
    select
        cumulated.shop_id,
        cumulated.category,
        cumulated.lag_day,
        cumulated.curve_level,
        as_of.as_of_date,
        cumulated.returned_units_at_lag::bigint as returned_units_at_lag,
        cumulated.returned_orders_at_lag::bigint as returned_orders_at_lag,
        cumulated.units_at_risk::bigint as units_at_risk,
        case when totals.curve_returned_units > 0 then least(greatest(cumulated.share, 0.0), 1.0) end
            as cumulative_share,
        totals.curve_returned_units::bigint as curve_returned_units,
        totals.curve_returned_orders::bigint as curve_returned_orders,
        totals.curve_returned_units > 0 and totals.curve_returned_orders >= settings.min_curve_returns
            as is_sufficient
    from cumulated
    inner join totals
        on totals.curve_level = cumulated.curve_level
        and totals.shop_id = cumulated.shop_id
        and totals.category is not distinct from cumulated.category
    left join as_of on as_of.shop_id = cumulated.shop_id
    cross join settings
)

select * from final order by shop_id, category nulls last, lag_day;
