-- The 售后工作台 page: open after-sales waiting for someone (marts.after_sale_backlog), stale ones
-- (no longer in the shop's latest export: status unknown) left out, soonest 自动处理截止时间 first,
-- those without a deadline last. At most 4,000 rows, so that the page stays under its 2 MB budget
-- however large the backlog: every (shop, status, reason group, deadline state) takes turns, its
-- soonest deadline first, so that whatever the page's filters choose, the rows it shows first are
-- that choice's soonest (the counts come from backlog_worklist_counts.sql and are exact).
-- No buyer field: the 售后单号 leads back to the after-sale in the 抖店 backend.
-- Grain: one row per after_sale_id.
with backlog as (
    select * from marts.after_sale_backlog where not is_stale
),

order_lines as (
    select order_item_id, product_name from core.order_lines
),

ranked as (
    select
        backlog.*,
        coalesce(backlog.after_sale_status, '未知') as status,
        order_lines.product_name,
        row_number() over (
            partition by backlog.shop_id, backlog.after_sale_status, backlog.reason_group, backlog.deadline_state
            order by backlog.deadline_at nulls last, backlog.after_sale_id
        ) as turn
    from backlog
    left join order_lines on order_lines.order_item_id = backlog.order_item_id
),

final as (
    select
        shop_id,
        after_sale_id,
        after_sale_type,
        status,
        reason_group,
        deadline_state,
        strftime(deadline_at, '%Y-%m-%d %H:%M:%S') as deadline_at,
        round(hours_to_deadline, 2) as hours_to_deadline,
        strftime(applied_at, '%Y-%m-%d %H:%M:%S') as applied_at,
        round(age_hours, 2) as age_hours,
        sku_code,
        product_name
    from ranked
    qualify row_number() over (order by turn, ranked.deadline_at nulls last, shop_id, after_sale_id) <= 4000
)

select * from final order by deadline_at nulls last, shop_id, after_sale_id;
