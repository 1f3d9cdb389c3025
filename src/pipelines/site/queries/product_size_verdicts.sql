-- Whether a product runs small or large (marts.product_size_verdicts), for the products page.
-- Grain: one row per (shop_id, product_id).
select
    shop_id,
    product_id,
    verdict,
    verdict_en,
    size_return_rate,
    small_share,
    large_share,
    sizes_returning_more
from marts.product_size_verdicts
order by shop_id, product_id;
