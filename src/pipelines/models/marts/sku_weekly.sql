-- Each SKU's unit return rate by order week, and whether a week's returns spiked against the four
-- weeks before it. Definitions: docs/metrics.md §8.
-- Grain: one row per (shop_id, sku_code, week) in which the SKU shipped units; week is the ISO week
-- of the cohort date (支付完成时间, Beijing), e.g. 2026-W45, starting on week_start (a Monday).
-- 子订单 without 商家编码 or without a cohort date are left out.
--
-- returned_units / return_rate count every return seen so far, like marts.return_rates_daily, so
-- recent weeks read low. The spike test compares weeks at equal age instead: returns whose
-- attributed after-sale was applied within 14 days of payment (returned_units_by_day14), only for
-- weeks whose every 子订单 is 14 days old by the shop's as-of time (the latest 售后申请时间 loaded
-- for the shop), against the same measure over the four weeks before (prior_*).
-- spike_status: immature (the week is not 14 days old yet), low_volume (below 20 shipped units this
-- week or 50 in the prior four), spike (one-sided two-proportion z ≥ 3.09, p ≤ 0.001, with at
-- least 5 returned units by day 14), or normal.
create or replace table marts.sku_weekly as
with settings as (
    select
        14 as age_days,
        20 as min_week_units,
        50 as min_prior_units,
        5 as min_spike_returns,
        3.09 as spike_z
),

order_line_returns as (
    select * from intermediate.int_order_line_returns
),

order_lines as (
    select * from core.order_lines
),

after_sales as (
    select * from core.after_sales
),

shop_as_of as (
    select shop_id, max(applied_at) as as_of
    from after_sales
    group by shop_id
),

lines as (
    select
        returns.shop_id,
        order_lines.sku_code,
        returns.cohort_date,
        coalesce(order_lines.paid_at, order_lines.created_at) as cohort_at,
        coalesce(returns.quantity, 0) as quantity,
        returns.is_returned,
        returns.first_return_applied_at
    from order_line_returns as returns
    inner join order_lines on order_lines.order_item_id = returns.order_item_id
    where returns.is_shipped and returns.cohort_date is not null and order_lines.sku_code is not null
),

weekly as (
    select
        lines.shop_id,
        lines.sku_code,
        date_trunc('week', lines.cohort_date)::date as week_start,
        sum(lines.quantity)::bigint as shipped_units,
        coalesce(sum(lines.quantity) filter (where lines.is_returned), 0)::bigint as returned_units,
        coalesce(
            sum(lines.quantity) filter (
                where lines.is_returned
                and lines.first_return_applied_at < lines.cohort_at + to_days(settings.age_days)
            ),
            0
        )::bigint as returned_units_by_day14
    from lines
    cross join settings
    group by all
),

with_prior as (
    select
        weekly.*,
        coalesce(
            sum(shipped_units) over prior_weeks, 0
        )::bigint as prior_shipped_units,
        coalesce(
            sum(returned_units_by_day14) over prior_weeks, 0
        )::bigint as prior_returned_units_by_day14
    from weekly
    window prior_weeks as (
        partition by shop_id, sku_code
        order by week_start
        range between interval 28 days preceding and interval 7 days preceding
    )
),

tested as (
    select
        with_prior.*,
        coalesce(
            with_prior.week_start + to_days(7 + settings.age_days) <= shop_as_of.as_of, false
        ) as is_mature,
        (returned_units_by_day14 + prior_returned_units_by_day14)
            / nullif(shipped_units + prior_shipped_units, 0) as pooled_rate,
        settings.*
    from with_prior
    cross join settings
    left join shop_as_of on shop_as_of.shop_id = with_prior.shop_id
),

scored as (
    select
        tested.*,
        case
            when shipped_units > 0 and prior_shipped_units > 0 and pooled_rate > 0 and pooled_rate < 1 then
                (returned_units_by_day14 / shipped_units - prior_returned_units_by_day14 / prior_shipped_units)
                / sqrt(pooled_rate * (1 - pooled_rate) * (1 / shipped_units + 1 / prior_shipped_units))
        end as z_score
    from tested
),

final as (
    select
        shop_id,
        sku_code,
        strftime(week_start, '%G-W%V') as week,
        week_start,
        shipped_units,
        returned_units,
        returned_units / shipped_units as return_rate,
        returned_units_by_day14,
        returned_units_by_day14 / shipped_units as return_rate_by_day14,
        is_mature,
        prior_shipped_units,
        prior_returned_units_by_day14,
        prior_returned_units_by_day14 / nullif(prior_shipped_units, 0) as prior_return_rate_by_day14,
        z_score,
        case
            when not is_mature then 'immature'
            when shipped_units < min_week_units or prior_shipped_units < min_prior_units then 'low_volume'
            when z_score >= spike_z and returned_units_by_day14 >= min_spike_returns then 'spike'
            else 'normal'
        end as spike_status,
        coalesce(
            is_mature
            and shipped_units >= min_week_units
            and prior_shipped_units >= min_prior_units
            and z_score >= spike_z
            and returned_units_by_day14 >= min_spike_returns,
            false
        ) as is_spike
    from scored
    where shipped_units > 0
)

select * from final order by shop_id, sku_code, week_start;
