-- Whether a product runs small or large (marts.product_size_verdicts), with the evidence behind
-- the verdict (size returns, 偏小 / 偏大 mentions, the sign test) and the size pattern beside it, for
-- the products and sizes pages. Grain: one row per (shop_id, product_id).
select
    shop_id,
    product_id,
    product_name,
    category,
    verdict,
    verdict_en,
    shipped_units::double as shipped_units,
    returned_units::double as returned_units,
    return_rate,
    size_returned_orders::double as size_returned_orders,
    size_returned_units::double as size_returned_units,
    size_return_rate,
    small_mention_orders::double as small_mention_orders,
    large_mention_orders::double as large_mention_orders,
    mixed_mention_orders::double as mixed_mention_orders,
    small_share,
    large_share,
    sign_z,
    known_sizes::integer as known_sizes,
    smaller_sizes,
    smaller_sizes_return_rate,
    larger_sizes,
    larger_sizes_return_rate,
    sizes_returning_more
from marts.product_size_verdicts
order by shop_id, product_id;
