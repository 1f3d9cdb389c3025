-- Before return_parcels is updated: the after-sales whose row can have changed. A row depends on its
-- after-sale (intermediate.int_return_parcels, itself updated for changed_after_sales), on the as-of
-- and the backlog's staleness, and on the other after-sales sharing its waybill, so:
-- the touched after-sales; every parcel in transit now (its days in transit follow the as-of: one the
-- after-sale alone does not settle, awaiting receipt and not stale); every parcel whose staleness
-- (marts.after_sale_backlog, refreshed before) is not what its row says (so also every parcel that
-- entered or left the stale state); and every parcel that shares a waybill with a touched one, by the
-- number it has now or by the key its row had (an after-sale can change or lose its number).
-- Rows that none of this touches keep what they show: a settled, stale or 'other' parcel has no
-- days in transit, so only a change of its after-sale, staleness or waybill sharing changes it.
create or replace temp table return_parcels_scope as
select after_sale_id from changed_after_sales
union
select parcels.after_sale_id
from intermediate.int_return_parcels as parcels
left join marts.after_sale_backlog as backlog on backlog.after_sale_id = parcels.after_sale_id
where
    parcels.settled_state is null
    and parcels.is_awaiting_receipt_status
    and not coalesce(backlog.is_stale, false)
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
