-- How each size of a product returns (marts.size_fit), for the SKU detail of the products page and
-- the sizes page. Size returns (size_returned_*) are returns whose attributed after-sale has the
-- reason group 尺码 or whose texts mention a small or large keyword; the mention counts are returned
-- 子订单 whose texts say only 偏小 (small), only 偏大 (large) or both (mixed) (docs/metrics.md §8.5).
-- Grain: one row per (shop_id, product_id, size); size NULL is the unknown size.
select
    shop_id,
    product_id,
    size,
    size_sort,
    shipped_units::double as shipped_units,
    returned_orders::double as returned_orders,
    returned_units::double as returned_units,
    return_rate,
    size_returned_orders::double as size_returned_orders,
    size_returned_units::double as size_returned_units,
    size_return_rate,
    small_mention_orders::double as small_mention_orders,
    large_mention_orders::double as large_mention_orders,
    mixed_mention_orders::double as mixed_mention_orders,
    other_return_rate,
    z_score,
    returns_more,
    low_volume
from marts.size_fit
order by shop_id, product_id, size_sort nulls last, size;
