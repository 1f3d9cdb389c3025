-- The SKUs with the most returned units among the report week's orders so far (marts.sku_weekly),
-- with their standing over all loaded data from marts.problem_skus.
select
    weekly.shop_id,
    weekly.sku_code,
    problem_skus.product_id,
    problem_skus.product_name,
    weekly.shipped_units::bigint as shipped_units,
    weekly.returned_units::bigint as returned_units,
    weekly.return_rate::double as return_rate,
    problem_skus.rank::integer as problem_rank,
    problem_skus.shrunk_rate::double as shrunk_rate,
    problem_skus.top_reason_group,
    problem_skus.low_volume
from marts.sku_weekly as weekly
left join marts.problem_skus as problem_skus
    on problem_skus.shop_id = weekly.shop_id and problem_skus.sku_code = weekly.sku_code
where weekly.week_start = $week_start::date
    and weekly.returned_units > 0
    and ($shop = '' or weekly.shop_id = $shop)
order by weekly.returned_units desc, weekly.return_rate desc, weekly.shop_id, weekly.sku_code
limit $limit
