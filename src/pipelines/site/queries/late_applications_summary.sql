-- The 风险 page: late applications (marts.risk_late_applications: applied more than
-- late_window_days after the estimated 签收) counted by shop, application week, category and
-- channel (流量来源, from core.order_lines), so that the page's counts are exact under every
-- filter while its list is capped. The last 52 weeks of applications (as the list); week_days:
-- days of the week up to the shop's as-of.
-- Grain: one row per (shop_id, week_start, category, channel).
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

shop_as_of as (
    select shop_id, as_of_at::date as as_of_date from intermediate.int_shop_as_of
),

final as (
    select
        strftime(date_trunc('week', late.applied_at), '%Y-%m-%d') as week_start,
        strftime(late.applied_at, '%G-W%V') as week,
        least(
            date_diff('day', date_trunc('week', late.applied_at)::date, shop_as_of.as_of_date) + 1, 7
        )::integer as week_days,
        late.shop_id,
        order_lines.category,
        order_lines.traffic_source as channel,
        count(*)::integer as late_count,
        (count(*) filter (where late.is_no_reason))::integer as no_reason_count,
        (count(*) filter (where late.after_sale_status_group in ('in_progress', 'unknown')))::integer
            as open_count
    from late
    left join order_lines on order_lines.order_item_id = late.order_item_id
    left join shop_as_of on shop_as_of.shop_id = late.shop_id
    group by all
)

select * from final order by all;
