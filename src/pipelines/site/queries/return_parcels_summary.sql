-- The 售后时效 page's return-parcel counts: parcels in transit, stuck, with a 退货异常 or on a shared
-- waybill (marts.return_parcels), counted by shop, category and channel (流量来源, both from the 子订单
-- in core.order_lines; NULL when it is in no order export), carrier and province of origin (the
-- buyer's 省 of the 子订单). Counts add up over every column, so every filter of the page is exact
-- however many parcels there are; parcels that are none of these (received, closed …) are left out.
-- Grain: one row per (shop_id, category, channel, carrier, province_code, province_name,
-- is_in_transit, is_stuck, has_return_exception, tracking_sharing).
with parcels as (
    select * from marts.return_parcels
    where is_in_transit or has_return_exception or is_shared_tracking
),

order_lines as (
    select order_item_id, category, traffic_source from core.order_lines
),

final as (
    select
        parcels.shop_id,
        order_lines.category,
        order_lines.traffic_source as channel,
        parcels.carrier,
        parcels.province_code,
        parcels.province_name,
        parcels.is_in_transit,
        parcels.is_stuck,
        parcels.has_return_exception,
        coalesce(parcels.tracking_sharing, case when parcels.is_shared_tracking then 'unknown' end)
            as tracking_sharing,
        count(*)::integer as parcel_count
    from parcels
    left join order_lines on order_lines.order_item_id = parcels.order_item_id
    group by all
)

select * from final order by all;
