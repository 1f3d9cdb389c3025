-- intermediate.int_order_line_returns: the columns it carries for the maturity models are those of
-- core: a 子订单's category is core.order_lines', and first_return_status_group is the current
-- status group of the attributed after-sale in core.after_sales (after an in-place refresh too).
with returns as (
    select * from intermediate.int_order_line_returns
),

order_lines as (
    select order_item_id, category from core.order_lines
),

after_sales as (
    select after_sale_id, after_sale_status_group from core.after_sales
),

final as (
    select
        returns.order_item_id,
        returns.category,
        order_lines.category as core_category,
        returns.first_return_after_sale_id,
        returns.first_return_status_group,
        after_sales.after_sale_status_group as core_status_group
    from returns
    left join order_lines on order_lines.order_item_id = returns.order_item_id
    left join after_sales on after_sales.after_sale_id = returns.first_return_after_sale_id
    where returns.category is distinct from order_lines.category
        or returns.first_return_status_group is distinct from after_sales.after_sale_status_group
)

select * from final;
