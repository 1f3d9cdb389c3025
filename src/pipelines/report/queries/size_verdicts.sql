-- Products that run small or large, over all loaded data: marts.product_size_verdicts.
select
    shop_id,
    product_id,
    product_name,
    verdict,
    size_returned_orders::bigint as size_returned_orders,
    small_mention_orders::bigint as small_mention_orders,
    large_mention_orders::bigint as large_mention_orders,
    small_share::double as small_share,
    large_share::double as large_share,
    sizes_returning_more
from marts.product_size_verdicts
where verdict in ('偏小', '偏大')
    and ($shop = '' or shop_id = $shop)
order by verdict, greatest(small_mention_orders, large_mention_orders) desc, shop_id, product_id
