-- Orders and unit returns by cohort week (ISO week of the Beijing payment date), for the weeks from
-- $from to $to (Mondays, inclusive): marts.return_rates_daily, the basis of the return rates.
select
    strftime(date_trunc('week', cohort_date), '%Y-%m-%d') as week_start,
    count(distinct cohort_date)::integer as days_with_data,
    sum(paid_orders)::bigint as paid_orders,
    sum(shipped_orders)::bigint as shipped_orders,
    sum(shipped_units)::bigint as shipped_units,
    sum(returned_orders)::bigint as returned_orders,
    sum(returned_units)::bigint as returned_units
from marts.return_rates_daily
where cohort_date between $from::date and $to::date + 6
    and ($shop = '' or shop_id = $shop)
group by all
order by week_start
