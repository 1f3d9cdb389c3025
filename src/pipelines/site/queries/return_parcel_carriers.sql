-- The 售后时效 page's carriers table: marts.return_parcel_carriers as it is, days rounded to 0.001.
-- The roll-up rows (shop_id NULL: every shop; carrier NULL: every carrier) carry the percentiles of
-- the whole, which the page cannot add up from the per-shop rows.
-- Grain: one row per (shop_id, carrier), NULL meaning all.
with carriers as (
    select * from marts.return_parcel_carriers
),

final as (
    select
        shop_id,
        carrier,
        is_all_shops,
        is_all_carriers,
        parcel_count::integer as parcel_count,
        received_count::integer as received_count,
        in_transit_count::integer as in_transit_count,
        stuck_count::integer as stuck_count,
        exception_count::integer as exception_count,
        shared_tracking_count::integer as shared_tracking_count,
        timed_count::integer as timed_count,
        round(days_to_receipt_total, 3) as days_to_receipt_total,
        round(days_to_receipt_mean, 3) as days_to_receipt_mean,
        round(days_to_receipt_p50, 3) as days_to_receipt_p50,
        round(days_to_receipt_p90, 3) as days_to_receipt_p90,
        round(max_days_in_transit, 3) as max_days_in_transit
    from carriers
)

select * from final order by is_all_shops, shop_id, is_all_carriers, carrier;
