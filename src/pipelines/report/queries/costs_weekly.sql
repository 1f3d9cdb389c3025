-- Refunds, logistics cost and loss by cohort week (the Beijing payment date, as the return rates):
-- marts.return_costs, for the weeks from $from to $to (Mondays, inclusive).
select
    strftime(date_trunc('week', cohort_date), '%Y-%m-%d') as week_start,
    sum(gmv_amount)::double as gmv_amount,
    sum(refund_goods_amount)::double as refund_goods_amount,
    sum(logistics_cost_amount)::double as logistics_cost_amount,
    sum(loss_amount)::double as loss_amount,
    sum(total_cost_amount)::double as total_cost_amount
from marts.return_costs
where cohort_date between $from::date and $to::date + 6
    and ($shop = '' or shop_id = $shop)
group by all
order by week_start
