-- Maturity and forecast by cohort week and (shop, category): marts.cohort_maturity, summed so that
-- the interval of any set of weeks can be formed as the mart's comment says (process variance adds
-- up; the prior's variance is shared within a (shop, category)). Weeks from $from to $to (Mondays).
select
    strftime(date_trunc('week', cohort_date), '%Y-%m-%d') as week_start,
    shop_id,
    category,
    sum(shipped_units)::bigint as shipped_units,
    sum(returned_units)::bigint as returned_units,
    sum(open_returned_units)::bigint as open_returned_units,
    sum(shipped_units * completion_share)::double as exposed_units,
    sum(forecast_returned_units)::double as forecast_returned_units,
    sum(process_variance_units)::double as process_variance_units,
    sum(remaining_exposure_units)::double as remaining_exposure_units,
    max(expected_return_rate_variance)::double as expected_return_rate_variance,
    bool_and(is_mature) as is_mature
from marts.cohort_maturity
where cohort_date between $from::date and $to::date + 6
    and ($shop = '' or shop_id = $shop)
group by all
order by week_start, shop_id, category nulls last
