-- intermediate.int_order_line_returns: the flags agree with each other. A returned 子订单 is
-- shipped, has an effective after-sale and a reason group; an after-sale is attributed exactly when
-- an effective one exists, and it sets one of the two return-type flags; shipped implies paid.
with returns as (
    select * from intermediate.int_order_line_returns
),

final as (
    select order_item_id, is_shipped, has_effective_after_sale, is_returned, first_return_after_sale_id,
        first_return_reason_group
    from returns
    where (is_returned and not (is_shipped and has_effective_after_sale))
        or (has_effective_after_sale and first_return_after_sale_id is null)
        or (not has_effective_after_sale and first_return_after_sale_id is not null)
        or (is_returned and first_return_reason_group is null)
        or (is_shipped and not is_paid)
        or (has_effective_after_sale and not (has_return_refund or has_shipped_refund_only))
)

select * from final;
