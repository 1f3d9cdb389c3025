-- What the marts cover: per shop, the as-of date of the forecast (marts.cohort_maturity) and the
-- first and last cohort date (marts.return_rates_daily).
with rates as (
    select shop_id, min(cohort_date) as first_cohort_date, max(cohort_date) as last_cohort_date
    from marts.return_rates_daily
    where $shop = '' or shop_id = $shop
    group by shop_id
),

maturity as (
    select shop_id, max(as_of_date) as as_of_date
    from marts.cohort_maturity
    where $shop = '' or shop_id = $shop
    group by shop_id
)

select
    rates.shop_id,
    strftime(rates.first_cohort_date, '%Y-%m-%d') as first_cohort_date,
    strftime(rates.last_cohort_date, '%Y-%m-%d') as last_cohort_date,
    strftime(maturity.as_of_date, '%Y-%m-%d') as as_of_date
from rates
left join maturity on maturity.shop_id = rates.shop_id
order by rates.shop_id
