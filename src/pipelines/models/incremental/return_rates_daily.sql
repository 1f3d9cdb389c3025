-- The order cohorts the changed 子订单 are in now (int_order_line_returns is up to date), beside
-- the ones they were in (incremental/int_order_line_returns.sql).
insert into changed_cohorts
select distinct shop_id, cohort_date
from intermediate.int_order_line_returns
where order_item_id in (select order_item_id from changed_lines) and cohort_date is not null;
