-- marts.return_rates_daily: the by-reason returns of each shop and cohort day add up to its total
-- returns, and both match the 子订单 facts of intermediate.int_order_line_returns (so no 子订单
-- is lost or counted twice between the layers).
with mart as (
    select * from marts.return_rates_daily
),

returns as (
    select * from intermediate.int_order_line_returns
),

mart_days as (
    select
        shop_id,
        cohort_date,
        sum(returned_units) as returned_units,
        sum(returned_units) filter (where reason_group is not null) as reason_returned_units,
        sum(returned_orders) as returned_orders,
        sum(returned_orders) filter (where reason_group is not null) as reason_returned_orders,
        sum(shipped_units) as shipped_units,
        sum(shipped_orders) as shipped_orders
    from mart
    group by all
),

line_days as (
    select
        shop_id,
        cohort_date,
        coalesce(sum(quantity) filter (where is_returned), 0) as returned_units,
        count(*) filter (where is_returned) as returned_orders,
        coalesce(sum(quantity) filter (where is_shipped), 0) as shipped_units,
        count(*) filter (where is_shipped) as shipped_orders
    from returns
    where cohort_date is not null
    group by all
),

final as (
    select
        coalesce(mart_days.shop_id, line_days.shop_id) as shop_id,
        coalesce(mart_days.cohort_date, line_days.cohort_date) as cohort_date,
        mart_days.returned_units,
        mart_days.reason_returned_units,
        line_days.returned_units as line_returned_units,
        mart_days.returned_orders,
        mart_days.reason_returned_orders,
        line_days.returned_orders as line_returned_orders,
        mart_days.shipped_units,
        line_days.shipped_units as line_shipped_units,
        mart_days.shipped_orders,
        line_days.shipped_orders as line_shipped_orders
    from mart_days
    full join line_days
        on line_days.shop_id = mart_days.shop_id and line_days.cohort_date = mart_days.cohort_date
    where mart_days.returned_units is distinct from line_days.returned_units
        or coalesce(mart_days.reason_returned_units, 0) is distinct from line_days.returned_units
        or mart_days.returned_orders is distinct from line_days.returned_orders
        or coalesce(mart_days.reason_returned_orders, 0) is distinct from line_days.returned_orders
        or mart_days.shipped_units is distinct from line_days.shipped_units
        or mart_days.shipped_orders is distinct from line_days.shipped_orders
)

select * from final;
