-- What "now" is for each shop: the latest event its data shows (an order's creation, payment,
-- shipping or completion; an after-sale's application, approval, return shipping, refund, arrival,
-- closing or finalization). Deadlines and promised times lie ahead and are not events. Per shop, so
-- one shop's fresh exports don't age another's older ones.
-- Grain: one row per shop_id.
create or replace table intermediate.int_shop_as_of as
with events as (
    select
        shop_id,
        greatest(
            applied_at, approved_at, return_shipped_at, refunded_at,
            refund_arrived_at, closed_at, finalized_at
        ) as event_at
    from core.after_sale_states
    union all
    select shop_id, greatest(created_at, paid_at, shipped_at, completed_at) as event_at
    from core.order_line_states
),

final as (
    select shop_id, max(event_at) as as_of_at
    from events
    group by shop_id
)

select * from final;
