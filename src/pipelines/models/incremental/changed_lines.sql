-- The 子订单 whose facts may have changed since the marts were last built: those in the order files
-- loaded after file $after, and those of every after-sale in the after-sale files loaded after it
-- (the 子订单 of all its staged versions, should a later version name another one). Core changes
-- only for the keys a loaded file touches (core/order_line_states.sql, core/after_sale_states.sql),
-- so nothing else in core moved. Incremental models (metrics/refresh.ts) start from this table, and
-- from changed_after_sales below.
create or replace temp table changed_lines as
with new_files as (
    select file_id from meta.ingest_log where status = 'loaded' and file_id > $after
),

changed_after_sales as (
    select distinct after_sale_id
    from staging.after_sales
    where file_id in (select file_id from new_files)
)

select order_item_id
from staging.order_lines
where file_id in (select file_id from new_files)
union
select order_item_id
from staging.after_sales
where after_sale_id in (select after_sale_id from changed_after_sales) and order_item_id is not null;

-- Every after-sale of those 子订单: a superset of the after-sales the new files changed.
create or replace temp table changed_after_sales as
select after_sale_id
from core.after_sale_states
where order_item_id in (select order_item_id from changed_lines);
