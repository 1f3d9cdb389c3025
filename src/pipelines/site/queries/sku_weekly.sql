-- Each SKU's unit return rate by order-cohort week and its spike test (marts.sku_weekly), for the
-- SKU detail of the products page. Grain: one row per (shop_id, sku_code, week_start).
select
    shop_id,
    sku_code,
    strftime(week_start, '%Y-%m-%d') as week_start,
    week,
    shipped_units::double as shipped_units,
    returned_units::double as returned_units,
    return_rate,
    is_mature,
    spike_status
from marts.sku_weekly
order by shop_id, sku_code, week_start;
