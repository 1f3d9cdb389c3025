-- intermediate.int_order_line_returns: one row per order_item_id, and one for every core 子订单.
with returns as (
    select * from intermediate.int_order_line_returns
),

order_lines as (
    select * from core.order_lines
),

duplicates as (
    select order_item_id, count(*) as row_count, 'duplicate order_item_id' as problem
    from returns
    group by order_item_id
    having count(*) > 1
),

missing as (
    select order_lines.order_item_id, 0 as row_count, 'core 子订单 missing' as problem
    from order_lines
    anti join returns on returns.order_item_id = order_lines.order_item_id
),

final as (
    select * from duplicates
    union all
    select * from missing
)

select * from final;
