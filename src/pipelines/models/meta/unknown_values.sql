-- Values the normalizers could not place, by count: each is a bucket to report, never to hide.
create or replace view meta.unknown_values as
select '省' as column_name, coalesce(province_raw, '(空)') as value, count(*)::integer as row_count
from core.order_lines where province_code is null group by all
union all
select '订单状态', coalesce(order_status, '(空)'), count(*)::integer
from core.order_lines where order_status_group is null group by all
union all
select '尺码', coalesce(size_raw, sku_code, '(空)'), count(*)::integer
from core.order_lines where size is null group by all
union all
select '售后原因', coalesce(reason_raw, '(空)'), count(*)::integer
from core.after_sales where reason_group = '未知' group by all
union all
select '售后类型', coalesce(after_sale_type_raw, '(空)'), count(*)::integer
from core.after_sales where after_sale_type is null group by all
union all
select '售后状态', coalesce(after_sale_status, '(空)'), count(*)::integer
from core.after_sales where after_sale_status_group is null group by all
order by column_name, row_count desc, value;
