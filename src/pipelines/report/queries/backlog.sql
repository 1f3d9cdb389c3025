-- Open after-sales per shop as of the shop's latest data (marts.after_sale_backlog): how many are
-- past their 自动处理截止时间, how many of those deadlines fell in the report week, and how many fall
-- due within 24 hours. Stale rows (no longer in the latest export) are counted apart.
select
    shop_id,
    strftime(max(as_of_at), '%Y-%m-%d %H:%M') as as_of_at,
    count(*) filter (where not is_stale)::bigint as open_count,
    count(*) filter (where is_overdue)::bigint as overdue_count,
    count(*) filter (
        where is_overdue and deadline_at >= $week_start::date and deadline_at < $week_start::date + 7
    )::bigint as overdue_in_week_count,
    count(*) filter (where is_due_within_24h)::bigint as due_24h_count,
    count(*) filter (where is_stale)::bigint as stale_count
from marts.after_sale_backlog
where $shop = '' or shop_id = $shop
group by shop_id
order by shop_id
