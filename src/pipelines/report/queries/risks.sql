-- Risk signals that appeared in the report week (Beijing dates of the application times):
-- late applications and appeal candidates applied for in the week; shared return waybills and
-- flagged buyers whose latest after-sale was applied for in the week.
with bounds as (
    select $week_start::date as week_start, $week_start::date + 7 as next_week_start
),

late as (
    select
        count(*)::bigint as signal_count,
        count(*) filter (where is_no_reason)::bigint as notable_count
    from marts.risk_late_applications, bounds
    where applied_at >= bounds.week_start and applied_at < bounds.next_week_start
        and ($shop = '' or shop_id = $shop)
),

appeals as (
    select count(*)::bigint as signal_count, null::bigint as notable_count
    from marts.appeal_candidates, bounds
    where applied_at >= bounds.week_start and applied_at < bounds.next_week_start
        and ($shop = '' or shop_id = $shop)
),

tracking as (
    select
        count(*)::bigint as signal_count,
        count(*) filter (where sharing = 'different_buyers')::bigint as notable_count
    from marts.risk_shared_tracking, bounds
    where last_applied_at >= bounds.week_start and last_applied_at < bounds.next_week_start
        and ($shop = '' or shop_id = $shop)
),

buyers as (
    select
        count(*)::bigint as signal_count,
        count(*) filter (where has_high_refund_only)::bigint as notable_count
    from marts.risk_buyers, bounds
    where last_applied_at >= bounds.week_start and last_applied_at < bounds.next_week_start
        and ($shop = '' or shop_id = $shop)
)

select 'late_applications' as signal, * from late
union all
select 'appeal_candidates', * from appeals
union all
select 'shared_tracking', * from tracking
union all
select 'risk_buyers', * from buyers
