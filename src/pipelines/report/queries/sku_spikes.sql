-- SKUs whose cohort week $spike_week_start spiked (marts.sku_weekly: day-14 returns against the
-- four weeks before, tested once the week is 14 days old, i.e. from the Monday three weeks later),
-- with the SKU's previous spike week, if any, and its product from marts.problem_skus.
with weekly as (
    select * from marts.sku_weekly
    where $shop = '' or shop_id = $shop
),

spikes as (
    select * from weekly
    where week_start = $spike_week_start::date and is_spike
),

earlier as (
    select weekly.shop_id, weekly.sku_code, max(weekly.week) as previous_spike_week
    from weekly
    inner join spikes on spikes.shop_id = weekly.shop_id and spikes.sku_code = weekly.sku_code
    where weekly.is_spike and weekly.week_start < spikes.week_start
    group by all
)

select
    spikes.shop_id,
    spikes.sku_code,
    problem_skus.product_id,
    problem_skus.product_name,
    spikes.week,
    spikes.shipped_units::bigint as shipped_units,
    spikes.returned_units_by_day14::bigint as returned_units_by_day14,
    spikes.return_rate_by_day14::double as return_rate_by_day14,
    spikes.prior_shipped_units::bigint as prior_shipped_units,
    spikes.prior_return_rate_by_day14::double as prior_return_rate_by_day14,
    spikes.z_score::double as z_score,
    earlier.previous_spike_week,
    problem_skus.rank::integer as problem_rank
from spikes
left join earlier on earlier.shop_id = spikes.shop_id and earlier.sku_code = spikes.sku_code
left join marts.problem_skus as problem_skus
    on problem_skus.shop_id = spikes.shop_id and problem_skus.sku_code = spikes.sku_code
order by spikes.z_score desc, spikes.shop_id, spikes.sku_code
