-- marts.return_rates_daily: every rate lies within [0, 1], row by row and for whole groups (the
-- grain without the reason columns, which is what a reason slice divides by): no numerator is
-- negative or above its denominator, and shipped never exceeds paid.
with mart as (
    select * from marts.return_rates_daily
),

groups as (
    select
        shop_id, cohort_date, product_id, sku_code, size, color, category, province_code, province_name,
        city, traffic_source, app_channel, traffic_type, traffic_format, influencer_name,
        sum(paid_orders) as paid_orders,
        sum(shipped_orders) as shipped_orders,
        sum(shipped_units) as shipped_units,
        sum(returned_orders) as returned_orders,
        sum(returned_units) as returned_units,
        sum(return_refund_orders) as return_refund_orders,
        sum(shipped_refund_only_orders) as shipped_refund_only_orders,
        sum(exchange_orders) as exchange_orders,
        sum(unshipped_refund_only_orders) as unshipped_refund_only_orders,
        sum(unshipped_returned_orders) as unshipped_returned_orders
    from mart
    group by all
),

checked as (
    select 'row' as level, * exclude (reason_group, reason) from mart
    union all by name
    select 'group' as level, * from groups
),

final as (
    select *
    from checked
    where least(
            paid_orders, shipped_orders, shipped_units, returned_orders, returned_units,
            return_refund_orders, shipped_refund_only_orders, exchange_orders,
            unshipped_refund_only_orders, unshipped_returned_orders
        ) < 0
        or returned_units > shipped_units
        or returned_orders > shipped_orders
        or return_refund_orders > shipped_orders
        or shipped_refund_only_orders > shipped_orders
        or exchange_orders > shipped_orders
        or unshipped_refund_only_orders > paid_orders
        or shipped_orders > paid_orders
)

select * from final;
