-- The days the after-sales of the changed 子订单 were applied for, before and after the load: every
-- staged version's 售后申请时间 (the state's, old or new, is one of them). Their rows are recounted.
create or replace temp table changed_applied_days as
select distinct shop_id, applied_at::date as applied_date
from staging.after_sales
where after_sale_id in (select after_sale_id from changed_after_sales) and applied_at is not null;
