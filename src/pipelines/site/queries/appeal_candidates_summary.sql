-- The 风险 page: 品质退货 appeal candidates (marts.appeal_candidates) counted by shop, application
-- week, category and channel (流量来源, from core.order_lines), so that the counts are exact under
-- every filter while the list is capped. The last 52 weeks of applications (as the list);
-- week_days: days of the week up to the shop's as-of.
-- Grain: one row per (shop_id, week_start, category, channel).
with candidates as (
    select *
    from marts.appeal_candidates
    where applied_at >= (
        select date_trunc('week', max(applied_at)) - interval 51 week from marts.appeal_candidates
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
        strftime(date_trunc('week', candidates.applied_at), '%Y-%m-%d') as week_start,
        strftime(candidates.applied_at, '%G-W%V') as week,
        least(
            date_diff('day', date_trunc('week', candidates.applied_at)::date, shop_as_of.as_of_date) + 1, 7
        )::integer as week_days,
        candidates.shop_id,
        order_lines.category,
        order_lines.traffic_source as channel,
        count(*)::integer as candidate_count
    from candidates
    left join order_lines on order_lines.order_item_id = candidates.order_item_id
    left join shop_as_of on shop_as_of.shop_id = candidates.shop_id
    where candidates.applied_at is not null
    group by all
)

select * from final order by all;
