-- How each size of a product returns (marts.size_fit), for the SKU detail of the products page.
-- Grain: one row per (shop_id, product_id, size); size NULL is the unknown size.
select
    shop_id,
    product_id,
    size,
    size_sort,
    shipped_units::double as shipped_units,
    returned_units::double as returned_units,
    return_rate,
    size_returned_units::double as size_returned_units,
    size_return_rate,
    small_mention_orders::double as small_mention_orders,
    large_mention_orders::double as large_mention_orders,
    other_return_rate,
    returns_more,
    low_volume
from marts.size_fit
order by shop_id, product_id, size_sort nulls last, size;
