-- Return parcels between the buyer shipping them back and the merchant receiving them: which are
-- still on the way as of the shop's as-of (intermediate.int_shop_as_of, as in
-- after_sale_backlog.sql), which are stuck, which carry a 退货异常 or share a waybill with other
-- after-sales, and how long the received ones took.
-- Grain: one row per after-sale with a return shipment (a 退货发货时间 or a 退货物流单号).
-- What the after-sale alone decides is in intermediate.int_return_parcels; this adds what the as-of
-- decides for parcels not settled by the after-sale alone, the backlog's staleness and the sharing of
-- waybills. The as-of itself is not on the rows (it is intermediate.int_shop_as_of): a row changes
-- only when one of those does, so after a load the table is updated in place for the rows
-- models/incremental/return_parcels.sql finds (a daily load at 10M 子订单 rewrote all 2.7M rows).
--
-- parcel_state, the first that applies:
--   received    the goods are back: 退货物流状态 says 签收; or a refund (商家退款时间) at or after the
--               return shipment that was not a 极速退款; or a status that comes after receipt (a
--               退货退款 or 换货 succeeded without 极速退款; 待商家发货 / 待买家收货 of an exchange).
--               received_basis says which.
--   closed      closed, failed, rejected or cancelled without a sign of receipt.
--   refunded    refunded without a sign of receipt (极速退款 pays when the buyer ships).
--   stale       not in the shop's latest after-sale export (marts.after_sale_backlog.is_stale): its
--               status now is unknown, so it is not counted in transit.
--   in_transit  still waiting for the merchant to receive it: a 待商家收货-like status.
--   other       anything else (e.g. 平台介入, or a status we cannot classify).
-- days_in_transit = as-of − 退货发货时间, in days, for parcels in transit. is_stuck: in transit more
-- than stuck_parcel_days (marts.cost_assumptions, area 'risk'); stuck_since_at is the moment it
-- became stuck (退货发货时间 + stuck_parcel_days).
-- received_at_estimate: exports carry no time the merchant signed for the parcel. The stand-in is
-- 商家退款时间 of a 退货退款 refunded at or after the return shipment, not by 极速退款 (the merchant
-- refunds after receiving and checking the goods, so it is at or after receipt: an upper bound).
-- Without such a refund it is NULL, never invented; days_to_receipt likewise.
-- return_exception: the 退货异常 text with the waybill number and any run of 8+ digits masked.
-- Shared waybills: the 退货物流单号 is not published. return_tracking_key is sha256 of the
-- warehouse's PII salt and the upper-cased number, as in risk_shared_tracking.sql, and only for
-- numbers on two or more after-sales of the shop (tracking_sharing: that mart's grading).
-- @incremental: after_sale_id in return_parcels_scope
create or replace table marts.return_parcels as
with parcels as (
    select * from intermediate.int_return_parcels
),

scoped as (
    select * from parcels
    -- @scope where after_sale_id in (select after_sale_id from return_parcels_scope)
),

shop_as_of as (
    select * from intermediate.int_shop_as_of
),

backlog as (
    select after_sale_id, is_stale from marts.after_sale_backlog
),

shared_tracking as (
    select shop_id, return_tracking_key, sharing from marts.risk_shared_tracking
),

settings as (
    select max(value) filter (where parameter = 'stuck_parcel_days') as stuck_parcel_days
    from marts.cost_assumptions
    where area = 'risk'
),

salt as (
    select coalesce(max(value), '') as value from meta.settings where key = 'pii_salt'
),

-- Grouped on the number itself, as risk_shared_tracking.sql does; hashed only when shared.
tracking_counts as (
    select shop_id, return_tracking_no, count(*) as after_sale_count
    from parcels
    where return_tracking_no is not null
    -- @scope and (shop_id, return_tracking_no) in (select shop_id, return_tracking_no from scoped)
    group by all
),

states as (
    select
        scoped.*,
        shop_as_of.as_of_at,
        coalesce(backlog.is_stale, false) as is_stale,
        coalesce(
            scoped.settled_state,
            case
                when coalesce(backlog.is_stale, false) then 'stale'
                when scoped.is_awaiting_receipt_status then 'in_transit'
                else 'other'
            end
        ) as parcel_state,
        scoped.return_shipped_at
            + to_milliseconds((settings.stuck_parcel_days * 86400000)::bigint) as stuck_after_at,
        tracking_counts.after_sale_count as tracking_after_sale_count
    from scoped
    inner join shop_as_of on shop_as_of.shop_id = scoped.shop_id
    cross join settings
    left join backlog on backlog.after_sale_id = scoped.after_sale_id
    left join tracking_counts
        on tracking_counts.shop_id = scoped.shop_id
        and tracking_counts.return_tracking_no = scoped.return_tracking_no
),

final as (
    select
        states.shop_id,
        states.after_sale_id,
        states.order_id,
        states.order_item_id,
        states.after_sale_type,
        states.after_sale_status,
        states.after_sale_status_group,
        states.reason_group,
        states.product_id,
        states.sku_code,
        states.carrier,
        states.province_code,
        states.province_name,
        states.applied_at,
        states.return_shipped_at,
        states.return_logistics_status,
        states.deadline_at,
        states.parcel_state,
        states.parcel_state = 'in_transit' as is_in_transit,
        case
            when states.parcel_state = 'in_transit'
                then date_diff('second', states.return_shipped_at, states.as_of_at) / 86400
        end as days_in_transit,
        case when states.parcel_state = 'in_transit' then states.stuck_after_at end as stuck_since_at,
        coalesce(states.parcel_state = 'in_transit' and states.as_of_at > states.stuck_after_at, false)
            as is_stuck,
        states.is_stale,
        states.is_express_refund,
        states.received_basis,
        states.received_at_estimate,
        states.received_at_source,
        states.days_to_receipt,
        states.has_return_exception,
        states.return_exception,
        coalesce(states.tracking_after_sale_count >= 2, false) as is_shared_tracking,
        case
            when states.tracking_after_sale_count >= 2
                then sha256(salt.value || states.return_tracking_no)
        end as return_tracking_key,
        coalesce(states.tracking_after_sale_count, 0)::integer as tracking_after_sale_count
    from states
    cross join salt
),

graded as (
    select final.*, shared_tracking.sharing as tracking_sharing
    from final
    left join shared_tracking
        on shared_tracking.shop_id = final.shop_id
        and shared_tracking.return_tracking_key = final.return_tracking_key
)

-- Not sorted: every reader filters, groups or orders it.
select * from graded;
