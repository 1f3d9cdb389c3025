-- The 售后时效 page's work list: open after-sales past their 自动处理截止时间 (overdue) or due within
-- 24 hours of the shop's as-of, most urgent (earliest deadline) first. At most 500 in all, so that
-- the page stays small however large the backlog and however many shops: the shops take turns
-- (each shop's most urgent, then each one's second …); shop_count says how many each shop has. Stale
-- after-sales (no longer in the shop's latest export: status unknown) are not in it.
-- No buyer field: the 售后单号 leads back to the after-sale in the 抖店 backend.
-- Grain: one row per after_sale_id.
with backlog as (
    select * from marts.after_sale_backlog where is_overdue or is_due_within_24h
),

order_lines as (
    select order_item_id, category, traffic_source from core.order_lines
),

ranked as (
    select
        backlog.*,
        order_lines.category,
        order_lines.traffic_source as channel,
        row_number() over (partition by backlog.shop_id order by backlog.deadline_at, backlog.after_sale_id)
            as urgency_rank,
        count(*) over (partition by backlog.shop_id) as shop_count
    from backlog
    left join order_lines on order_lines.order_item_id = backlog.order_item_id
),

final as (
    select
        shop_id,
        urgency_rank::integer as urgency_rank,
        shop_count::integer as shop_count,
        after_sale_id,
        after_sale_type,
        coalesce(after_sale_status, '未知') as status,
        deadline_state,
        strftime(deadline_at, '%Y-%m-%d %H:%M:%S') as deadline_at,
        round(hours_to_deadline, 2) as hours_to_deadline,
        round(age_hours, 2) as age_hours,
        reason_group,
        sku_code,
        category,
        channel
    from ranked
    qualify row_number() over (order by urgency_rank, shop_id) <= 500
)

-- Shown most urgent first, whatever the shop.
select * from final order by deadline_at, shop_id, after_sale_id;
