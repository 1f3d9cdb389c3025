-- The 售后时效 page: open after-sales of marts.after_sale_backlog counted by shop, category and
-- channel (流量来源, both from the 子订单 in core.order_lines; NULL when the 子订单 is in no order
-- export), status, age bucket and deadline state (overdue, due_24h, later, no_deadline, stale).
-- Counts add up over any of these, so every filter of the page is exact however large the backlog.
-- Grain: one row per (shop_id, category, channel, status, age_bucket, deadline_state).
with backlog as (
    select * from marts.after_sale_backlog
),

order_lines as (
    select order_item_id, category, traffic_source from core.order_lines
),

final as (
    select
        backlog.shop_id,
        order_lines.category,
        order_lines.traffic_source as channel,
        coalesce(backlog.after_sale_status, '未知') as status,
        backlog.after_sale_status_group as status_group,
        backlog.age_bucket,
        backlog.age_bucket_order,
        backlog.deadline_state,
        count(*)::integer as after_sale_count
    from backlog
    left join order_lines on order_lines.order_item_id = backlog.order_item_id
    group by all
)

select * from final order by all;
