-- The 主订单 of the changed 子订单 and of their after-sales (a 子订单 never changes 主订单).
create or replace temp table changed_orders as
select distinct shop_id, order_id
from core.order_line_states
where order_item_id in (select order_item_id from changed_lines)
union
select distinct shop_id, order_id
from core.after_sale_states
where after_sale_id in (select after_sale_id from changed_after_sales);
