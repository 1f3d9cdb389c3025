-- The buyers the changed 子订单 are counted under now (int_buyer_lines is up to date), beside the
-- ones they were (incremental/int_buyer_lines.sql).
insert into changed_buyers
select distinct shop_id, buyer_key, city, district
from intermediate.int_buyer_lines
where order_item_id in (select order_item_id from changed_lines);
