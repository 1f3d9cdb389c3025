-- The 售后时效 page's flagged return parcels: a 退货异常, or a waybill on several after-sales
-- (marts.return_parcels). Within a shop: a 退货异常 first, then by how the waybill is shared
-- (different_buyers, same_buyer, same_item, same_order: risk_shared_tracking's grading), then the
-- latest shipped. At most 500 in all, the shops taking turns; shop_count says how many each shop
-- has. The waybill is published only as its salted key; the 退货异常 text with numbers masked.
-- Grain: one row per after_sale_id.
with parcels as (
    select * from marts.return_parcels where has_return_exception or is_shared_tracking
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
            partition by parcels.shop_id
            order by
                parcels.has_return_exception desc,
                case parcels.tracking_sharing
                    when 'different_buyers' then 1
                    when 'same_buyer' then 2
                    when 'same_item' then 3
                    when 'same_order' then 4
                    else 5
                end,
                parcels.return_shipped_at desc nulls last,
                parcels.after_sale_id
        ) as flag_rank,
        count(*) over (partition by parcels.shop_id) as shop_count
    from parcels
    left join order_lines on order_lines.order_item_id = parcels.order_item_id
),

final as (
    select
        shop_id,
        flag_rank::integer as flag_rank,
        shop_count::integer as shop_count,
        after_sale_id,
        parcel_state,
        coalesce(after_sale_status, '未知') as status,
        carrier,
        province_name,
        strftime(return_shipped_at, '%Y-%m-%d %H:%M:%S') as return_shipped_at,
        has_return_exception,
        return_exception,
        is_shared_tracking,
        return_tracking_key,
        tracking_sharing,
        tracking_after_sale_count,
        category,
        channel
    from ranked
    qualify row_number() over (order by flag_rank, shop_id) <= 500
)

-- Shown in turns: every shop's first, then every shop's second …
select * from final order by flag_rank, shop_id;
