-- Return parcels by carrier (退货物流公司): how long buyer shipping → merchant receipt took, and how
-- many are in transit, stuck or flagged now (marts.return_parcels, all loaded data).
-- Grain: one row per (shop_id, carrier), plus roll-ups that percentiles need (they cannot be added
-- up from the rows): shop_id NULL = every shop (is_all_shops), carrier NULL = every carrier
-- (is_all_carriers). Counts add up over the (shop_id, carrier) rows.
--
-- days_to_receipt is the estimate of return_parcels.sql (商家退款时间 − 退货发货时间, 退货退款 not
-- refunded by 极速退款): an upper bound of the transit time, since the merchant refunds after
-- receiving. Only parcels with that estimate count in timed_count and the percentiles
-- (quantile_cont: linear interpolation between the two nearest values).
create or replace table marts.return_parcel_carriers as
with parcels as (
    select * from marts.return_parcels
),

final as (
    select
        shop_id,
        carrier,
        grouping(shop_id) = 1 as is_all_shops,
        grouping(carrier) = 1 as is_all_carriers,
        count(*) as parcel_count,
        count(*) filter (where parcel_state = 'received') as received_count,
        count(*) filter (where is_in_transit) as in_transit_count,
        count(*) filter (where is_stuck) as stuck_count,
        count(*) filter (where has_return_exception) as exception_count,
        count(*) filter (where is_shared_tracking) as shared_tracking_count,
        count(days_to_receipt) as timed_count,
        coalesce(sum(days_to_receipt), 0) as days_to_receipt_total,
        avg(days_to_receipt) as days_to_receipt_mean,
        quantile_cont(days_to_receipt, 0.5) as days_to_receipt_p50,
        quantile_cont(days_to_receipt, 0.9) as days_to_receipt_p90,
        max(days_in_transit) as max_days_in_transit
    from parcels
    group by grouping sets ((shop_id, carrier), (shop_id), (carrier), ())
    having count(*) > 0
)

select * from final order by is_all_shops, shop_id, is_all_carriers, carrier;
