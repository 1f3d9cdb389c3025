-- The facts of each return parcel that depend on nothing but the after-sale and its 子订单: what
-- marts.return_parcels describes (see there) before the as-of date, the backlog's staleness and the
-- sharing of waybills are added. Grain: one row per after-sale with a return shipment (a
-- 退货发货时间 or a 退货物流单号).
-- settled_state is parcel_state where the after-sale alone decides it (received, closed, refunded),
-- else NULL; return_tracking_no is upper-cased, for grouping, and never published.
-- After a load, only the rows of the after-sales it touched are replaced (metrics/refresh.ts):
-- @incremental: after_sale_id in changed_after_sales
create or replace table intermediate.int_return_parcels as
with after_sales as (
    select * from core.after_sales
    where (return_shipped_at is not null or return_tracking_no is not null)
    -- @scope and after_sale_id in (select after_sale_id from changed_after_sales)
),

order_lines as (
    select order_item_id, product_id, sku_code, province_code, province_name from core.order_lines
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

signals as (
    select
        after_sales.*,
        coalesce(after_sales.is_express_refund in ('是', 'true', '1', 'Y', 'y'), false) as was_express_refund,
        coalesce(regexp_matches(after_sales.return_logistics_status, '签收|妥投'), false)
            and not coalesce(regexp_matches(after_sales.return_logistics_status, '拒'), false)
            as is_signed_by_logistics,
        coalesce(regexp_matches(after_sales.after_sale_status, '待商家发货|待买家收货'), false)
            as is_past_receipt_status,
        coalesce(
            regexp_matches(after_sales.after_sale_status, '待商家收货|待商家签收|待商家确认收货|已寄回|买家已退货|退货中'),
            false
        ) as is_awaiting_receipt_status
    from after_sales
),

receipts as (
    select
        signals.*,
        case
            when signals.after_sale_type = '退货退款'
                and not signals.was_express_refund
                and signals.refunded_at is not null
                and signals.refunded_at >= coalesce(signals.return_shipped_at, signals.refunded_at)
                then signals.refunded_at
        end as received_at_estimate
    from signals
),

classified as (
    select
        receipts.*,
        case
            when receipts.received_at_estimate is not null then '商家退款时间'
            when receipts.is_signed_by_logistics then '退货物流状态'
            when receipts.is_past_receipt_status
                or (
                    receipts.after_sale_status_group = 'succeeded'
                    and receipts.after_sale_type in ('退货退款', '换货')
                    and not receipts.was_express_refund
                )
                then '售后状态'
        end as received_basis
    from receipts
),

final as (
    select
        classified.shop_id,
        classified.after_sale_id,
        classified.order_id,
        classified.order_item_id,
        coalesce(classified.after_sale_type, '未知') as after_sale_type,
        classified.after_sale_status,
        coalesce(classified.after_sale_status_group, 'unknown') as after_sale_status_group,
        classified.reason_group,
        coalesce(order_lines.product_id, classified.product_id) as product_id,
        coalesce(order_lines.sku_code, classified.sku_code) as sku_code,
        coalesce(nullif(trim(classified.return_carrier), ''), '未知') as carrier,
        order_lines.province_code,
        coalesce(order_lines.province_name, '未知') as province_name,
        classified.applied_at,
        classified.return_shipped_at,
        classified.return_logistics_status,
        classified.deadline_at,
        case
            when classified.received_basis is not null then 'received'
            when classified.after_sale_status_group in ('closed', 'failed', 'rejected', 'cancelled') then 'closed'
            when classified.refunded_at is not null or classified.after_sale_status_group = 'succeeded'
                then 'refunded'
        end as settled_state,
        classified.is_awaiting_receipt_status,
        classified.was_express_refund as is_express_refund,
        classified.received_basis,
        classified.received_at_estimate,
        case when classified.received_at_estimate is not null then '商家退款时间' end as received_at_source,
        date_diff('second', classified.return_shipped_at, classified.received_at_estimate) / 86400
            as days_to_receipt,
        coalesce(
            nullif(trim(classified.return_exception), '') is not null
            and not regexp_full_match(trim(classified.return_exception), '无|否|正常|无异常|退货正常'),
            false
        ) as has_return_exception,
        nullif(
            regexp_replace(
                replace(trim(classified.return_exception), coalesce(classified.return_tracking_no, chr(0)), '＊＊＊'),
                '[0-9]{8,}',
                '＊＊＊',
                'g'
            ),
            ''
        ) as return_exception,
        upper(classified.return_tracking_no) as return_tracking_no
    from classified
    left join order_lines on order_lines.order_item_id = classified.order_item_id
)

-- Not sorted: marts.return_parcels reads it whole.
select * from final;
