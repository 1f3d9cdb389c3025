-- Before int_order_line_returns is updated: the order cohorts its changed rows were in. The cohort
-- marts recompute these (and the cohorts the rows are in now, added by return_rates_daily's step).
create or replace temp table changed_cohorts as
select distinct shop_id, cohort_date
from intermediate.int_order_line_returns
where order_item_id in (select order_item_id from changed_lines) and cohort_date is not null;
