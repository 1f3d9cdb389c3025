-- Returned units by reason group in the report week ('current') and the four weeks before it
-- ('prior'): marts.return_rates_daily, rows of returned 子订单 (those with a reason).
select
    case when cohort_date >= $week_start::date then 'current' else 'prior' end as period,
    coalesce(reason_group, '未知') as reason_group,
    sum(returned_units)::bigint as returned_units
from marts.return_rates_daily
where cohort_date between $week_start::date - 28 and $week_start::date + 6
    and reason is not null
    and ($shop = '' or shop_id = $shop)
group by all
order by period, reason_group
