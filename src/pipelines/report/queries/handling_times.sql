-- Handling times of the after-sales applied for in the report week ('current') and the four weeks
-- before ('prior'), every type together ('全部'): marts.after_sale_times_weekly. Percentiles are the
-- report week's; the prior weeks give means, from the additive totals and counts.
select
    shop_id,
    case when week_start >= $week_start::date then 'current' else 'prior' end as period,
    sum(after_sale_count)::bigint as after_sale_count,
    sum(reviewed_count)::bigint as reviewed_count,
    sum(review_hours_total)::double as review_hours_total,
    max(review_hours_p50)::double as review_hours_p50,
    max(review_hours_p90)::double as review_hours_p90,
    sum(refunded_count)::bigint as refunded_count,
    sum(refund_hours_total)::double as refund_hours_total,
    max(refund_hours_p50)::double as refund_hours_p50,
    max(refund_hours_p90)::double as refund_hours_p90
from marts.after_sale_times_weekly
where after_sale_type = '全部'
    and week_start between $week_start::date - 28 and $week_start::date
    and ($shop = '' or shop_id = $shop)
group by all
order by shop_id, period
