-- The problem-SKU ranking as published (marts.problem_skus), with the columns the pages show.
-- Grain: one row per (shop_id, sku_code). Money as numbers in 元; IDs as strings.
select
    rank::integer as rank,
    shop_id,
    sku_code,
    product_id,
    product_name,
    category,
    color,
    size,
    shipped_units::double as shipped_units,
    returned_units::double as returned_units,
    return_rate,
    shrunk_rate,
    interval_low,
    interval_high,
    baseline_rate,
    excess_returned_units,
    refund_amount::double as refund_amount,
    excess_refund_amount::double as excess_refund_amount,
    top_reason_group,
    top_reason_group_share,
    latest_spike_week,
    low_volume
from marts.problem_skus
order by shop_id, rank;
