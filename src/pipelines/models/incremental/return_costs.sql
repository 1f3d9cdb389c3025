-- Before return_costs is updated: which of its rows can have changed, and which 子订单 their
-- parcel splits are computed over. A row depends on its own 子订单 and on the other 子订单 of its
-- 主订单 (the outbound split) and of its return parcel (the return split), so:
-- cost_scope_lines, the rows replaced: every 子订单 of a 主订单 with a touched 子订单, and every
-- 子订单 of a return parcel a touched 子订单 is or was in;
-- cost_window_lines, what the model reads to compute them: those, with every 子订单 of their 主订单s
-- and of the return parcels they are or were in. A parcel's members now are its members before (the
-- old rows' return_parcel_hash) plus touched 子订单, so each window the scope rows need is whole.
-- Hashes of parcel keys only ever widen the scope (two parcels with one hash are both taken).
create or replace temp table touched_parcels as
select distinct returns.shop_id, hash(coalesce(upper(after_sales.return_tracking_no), after_sales.after_sale_id))
    as return_parcel_hash
from intermediate.int_order_line_returns as returns
inner join core.after_sales on after_sales.after_sale_id = returns.first_return_after_sale_id
where
    returns.order_item_id in (select order_item_id from changed_lines)
    and returns.is_returned
    and after_sales.after_sale_type = '退货退款'
union
select distinct shop_id, return_parcel_hash
from marts.return_costs
where order_item_id in (select order_item_id from changed_lines) and return_parcel_hash is not null;

create or replace temp table cost_scope_lines as
select order_item_id
from intermediate.int_order_line_returns
where (shop_id, order_id) in (
    select shop_id, order_id
    from intermediate.int_order_line_returns
    where order_item_id in (select order_item_id from changed_lines)
)
union
select order_item_id
from marts.return_costs
where (shop_id, return_parcel_hash) in (select shop_id, return_parcel_hash from touched_parcels);

create or replace temp table cost_window_lines as
with scope_parcels as (
    select shop_id, return_parcel_hash from touched_parcels
    union
    select shop_id, return_parcel_hash
    from marts.return_costs
    where order_item_id in (select order_item_id from cost_scope_lines) and return_parcel_hash is not null
),

parcel_lines as (
    select order_item_id
    from marts.return_costs
    where (shop_id, return_parcel_hash) in (select shop_id, return_parcel_hash from scope_parcels)
    union
    select order_item_id from cost_scope_lines
)

select order_item_id
from intermediate.int_order_line_returns
where (shop_id, order_id) in (
    select shop_id, order_id
    from intermediate.int_order_line_returns
    where order_item_id in (select order_item_id from parcel_lines)
);
