-- Shipped and returned units by province in the report week ('current') and the four weeks before
-- it ('prior'): marts.return_rates_daily. An unrecognized province (no code) is '未知'.
select
    case when cohort_date >= $week_start::date then 'current' else 'prior' end as period,
    province_code,
    coalesce(max(province_name), '未知') as province_name,
    sum(shipped_units)::bigint as shipped_units,
    sum(returned_units)::bigint as returned_units
from marts.return_rates_daily
where cohort_date between $week_start::date - 28 and $week_start::date + 6
    and ($shop = '' or shop_id = $shop)
group by period, province_code
order by period, province_code nulls last
