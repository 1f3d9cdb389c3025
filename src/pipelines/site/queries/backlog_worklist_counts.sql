-- The 售后工作台 page's counts: open after-sales that are not stale (marts.after_sale_backlog) by
-- shop, status, reason group and deadline state (overdue, due_24h, later, no_deadline). They add up
-- over every column, so the page's count for any filter is exact even where its list is capped.
-- Grain: one row per (shop_id, status, reason_group, deadline_state).
with backlog as (
    select * from marts.after_sale_backlog where not is_stale
),

final as (
    select
        shop_id,
        coalesce(after_sale_status, '未知') as status,
        reason_group,
        deadline_state,
        count(*)::integer as after_sale_count
    from backlog
    group by all
)

select * from final order by all;
