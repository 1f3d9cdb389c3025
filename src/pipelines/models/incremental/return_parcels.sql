-- Before return_parcels is updated: the after-sales whose row can have changed. A row depends on its
-- after-sale (intermediate.int_return_parcels, itself updated for changed_after_sales), on the as-of
-- and the backlog's staleness, and on the other after-sales sharing its waybill, so:
-- the touched after-sales; every parcel the after-sale alone does not settle (its state and days in
-- transit follow the as-of); every parcel whose staleness (marts.after_sale_backlog, refreshed
-- before) is not what its row says; and every parcel that shares a waybill with a touched one, by the
-- number it has now or by the key its row had (an after-sale can change or lose its number).
-- Settled parcels that none of this touches keep their rows: nothing they show has changed.
create or replace temp table return_parcels_scope as
select after_sale_id from changed_after_sales
union
select after_sale_id from intermediate.int_return_parcels where settled_state is null
union
select parcels.after_sale_id
from marts.return_parcels as parcels
left join marts.after_sale_backlog as backlog on backlog.after_sale_id = parcels.after_sale_id
where parcels.is_stale <> coalesce(backlog.is_stale, false)
union
select after_sale_id
from intermediate.int_return_parcels
where (shop_id, return_tracking_no) in (
    select shop_id, return_tracking_no
    from intermediate.int_return_parcels
    where after_sale_id in (select after_sale_id from changed_after_sales) and return_tracking_no is not null
)
union
select after_sale_id
from marts.return_parcels
where (shop_id, return_tracking_key) in (
    select shop_id, return_tracking_key
    from marts.return_parcels
    where after_sale_id in (select after_sale_id from changed_after_sales) and return_tracking_key is not null
);
