-- The 风险 page's list of late applications (marts.risk_late_applications) of the last 52 weeks,
-- within a shop: still open first (they can still be answered), then 七天无理由 (which may be
-- refused after the window), then the furthest beyond the window. At most 500 in all, the shops
-- taking turns; shop_count says how many each shop has (the summary query counts them by week,
-- category and channel). The buyer appears only as the mart's buyer_risk_key.
-- Grain: one row per after_sale_id.
with late as (
    select *
    from marts.risk_late_applications
    where applied_at >= (
        select date_trunc('week', max(applied_at)) - interval 51 week from marts.risk_late_applications
    )
),

order_lines as (
    select order_item_id, category, traffic_source from core.order_lines
),

ranked as (
    select
        late.*,
        order_lines.category,
        order_lines.traffic_source as channel,
        row_number() over (
            partition by late.shop_id
            order by
                late.after_sale_status_group in ('in_progress', 'unknown') desc,
                late.is_no_reason desc,
                late.days_late desc,
                late.after_sale_id
        ) as list_rank,
        count(*) over (partition by late.shop_id) as shop_count
    from late
    left join order_lines on order_lines.order_item_id = late.order_item_id
),

final as (
    select
        shop_id,
        list_rank::integer as list_rank,
        shop_count::integer as shop_count,
        strftime(date_trunc('week', applied_at), '%Y-%m-%d') as week_start,
        after_sale_id,
        after_sale_type,
        after_sale_status_group as status_group,
        reason_group,
        is_no_reason,
        strftime(applied_at, '%Y-%m-%d %H:%M') as applied_at,
        strftime(signed_at_estimate, '%Y-%m-%d %H:%M') as signed_at_estimate,
        signed_at_source,
        round(days_after_signing, 1) as days_after_signing,
        round(days_late, 1) as days_late,
        buyer_risk_key,
        category,
        channel
    from ranked
    qualify row_number() over (order by list_rank, shop_id) <= 500
)

-- Shown in turns: every shop's first, then every shop's second …
select * from final order by list_rank, shop_id;
