-- One return waybill (退货物流单号) on several after-sales: a buyer re-using a tracking number, or
-- several returns claimed with one parcel (e.g. an empty or partial parcel). A list to check.
-- Grain: one row per (shop_id, return_tracking_key), for tracking numbers on two or more after-sales
-- of the shop.
--
-- return_tracking_key is sha256 of the warehouse's PII salt and the upper-cased tracking number:
-- the number itself is not published (the after-sale IDs lead back to it in the export).
-- sharing says how suspicious the reuse is: same_item (all after-sales on one 子订单: a buyer who
-- applied again), same_order (several 子订单 of one 主订单 in one parcel: normal), same_buyer
-- (several 主订单 of one buyer_risk_key, as in risk_buyers.sql), different_buyers (several 主订单
-- not shown to be one buyer's: the strongest signal).
create or replace table marts.risk_shared_tracking as
with after_sales as (
    select * from core.after_sales where return_tracking_no is not null
),

order_lines as (
    select * from core.order_lines
),

salt as (
    select coalesce(max(value), '') as value from meta.settings where key = 'pii_salt'
),

-- The numbers on two or more after-sales, found first: only their after-sales are joined to the
-- order export for buyers (at 10M 子订单, joining every after-sale cost seconds for a few rows).
shared_numbers as (
    select shop_id, upper(return_tracking_no) as return_tracking_no
    from after_sales
    group by all
    having count(*) >= 2
),

keyed as (
    select
        after_sales.shop_id,
        upper(after_sales.return_tracking_no) as return_tracking_no,
        after_sales.after_sale_id,
        after_sales.order_id,
        after_sales.order_item_id,
        after_sales.return_carrier,
        after_sales.applied_at,
        case
            when order_lines.buyer_key is not null
                then concat_ws(
                    '|',
                    order_lines.buyer_key,
                    coalesce(order_lines.city, ''),
                    coalesce(order_lines.district, '')
                )
        end as buyer_parts
    from after_sales
    inner join shared_numbers
        on shared_numbers.shop_id = after_sales.shop_id
        and shared_numbers.return_tracking_no = upper(after_sales.return_tracking_no)
    left join order_lines on order_lines.order_item_id = after_sales.order_item_id
),

-- Grouped on the number itself, hashed only for the few numbers that are shared.
shared as (
    select
        shop_id,
        return_tracking_no,
        count(*) as after_sale_count,
        count(distinct order_item_id) as order_item_count,
        count(distinct order_id) as main_order_count,
        count(distinct buyer_parts) as buyer_count,
        count(*) filter (where buyer_parts is null) as unknown_buyer_count,
        min(return_carrier) as return_carrier,
        list(after_sale_id order by after_sale_id) as after_sale_ids,
        list(distinct order_id order by order_id) as order_ids,
        min(applied_at) as first_applied_at,
        max(applied_at) as last_applied_at
    from keyed
    group by all
    having count(*) >= 2
),

final as (
    select
        shared.shop_id,
        sha256(salt.value || shared.return_tracking_no) as return_tracking_key,
        case
            when order_item_count = 1 then 'same_item'
            when main_order_count = 1 then 'same_order'
            when buyer_count = 1 and unknown_buyer_count = 0 then 'same_buyer'
            else 'different_buyers'
        end as sharing,
        after_sale_count,
        order_item_count,
        main_order_count,
        buyer_count,
        return_carrier,
        after_sale_ids,
        order_ids,
        first_applied_at,
        last_applied_at
    from shared
    cross join salt
)

select * from final order by shop_id, return_tracking_key;
