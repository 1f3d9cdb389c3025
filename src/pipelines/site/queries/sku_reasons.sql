-- Why each SKU comes back (marts.sku_reasons), for the SKU detail of the products page.
-- Grain: one row per (shop_id, sku_code, reason_group, reason).
select
    shop_id,
    sku_code,
    reason_group,
    reason,
    returned_units::double as returned_units,
    share_of_returns,
    return_rate
from marts.sku_reasons
order by shop_id, sku_code, reason_rank;
