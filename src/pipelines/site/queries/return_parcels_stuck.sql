-- The 售后时效 page's list of stuck return parcels: in transit (shipped back by the buyer, not yet
-- received) longer than stuck_parcel_days as of the shop's as-of (marts.return_parcels), the longest
-- in transit first. At most 500 in all, so that the page stays small however many parcels and
-- shops: the shops take turns (each shop's oldest, then each one's second …); shop_count says how
-- many each shop has. No buyer field and no waybill number: the 售后单号 leads back to the parcel in
-- the 抖店 backend.
-- Grain: one row per after_sale_id.
with parcels as (
    select * from marts.return_parcels where is_stuck
),

order_lines as (
    select order_item_id, category, traffic_source from core.order_lines
),

ranked as (
    select
        parcels.*,
        order_lines.category,
        order_lines.traffic_source as channel,
        row_number() over (
            partition by parcels.shop_id order by parcels.return_shipped_at, parcels.after_sale_id
        ) as stuck_rank,
        count(*) over (partition by parcels.shop_id) as shop_count
    from parcels
    left join order_lines on order_lines.order_item_id = parcels.order_item_id
),

final as (
    select
        shop_id,
        stuck_rank::integer as stuck_rank,
        shop_count::integer as shop_count,
        after_sale_id,
        after_sale_type,
        coalesce(after_sale_status, '未知') as status,
        carrier,
        province_code,
        province_name,
        strftime(return_shipped_at, '%Y-%m-%d %H:%M:%S') as return_shipped_at,
        round(days_in_transit, 2) as days_in_transit,
        return_logistics_status,
        has_return_exception,
        return_exception,
        tracking_sharing,
        strftime(deadline_at, '%Y-%m-%d %H:%M:%S') as deadline_at,
        reason_group,
        sku_code,
        category,
        channel
    from ranked
    qualify row_number() over (order by stuck_rank, shop_id) <= 500
)

-- Shown oldest first, whatever the shop.
select * from final order by return_shipped_at, shop_id, after_sale_id;
