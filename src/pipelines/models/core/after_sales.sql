-- Current state of every 售后单 across all loaded after-sale exports.
-- Grain: one row per after_sale_id (售后单号).
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 申请/同意/退货发货/退款/到账/关闭/完结时间; the deadline is not an event), then the most advanced
-- 售后状态 (final states over in-flight ones), then the file whose latest event is latest, then
-- file hash and row. Each column takes its value from the newest version in which it is not
-- empty, except 自动处理截止时间, which belongs to the current node and is taken from the newest
-- version even when empty (a finished after-sale has no deadline).
create or replace table core.after_sales as
with versions as (
    select
        sales.*,
        log.as_of as file_as_of,
        log.sha256 as file_sha256,
        greatest(
            sales.applied_at, sales.approved_at, sales.return_shipped_at, sales.refunded_at,
            sales.refund_arrived_at, sales.closed_at, sales.finalized_at
        ) as last_event_at,
        status.status_group,
        status.status_rank
    from staging.after_sales as sales
    inner join meta.ingest_log as log on log.file_id = sales.file_id
    left join staging.lookup_after_sale_status as status on status.raw = sales.after_sale_status
),

ranked as (
    select
        * exclude (file_as_of, file_sha256, last_event_at, status_rank),
        count(*) over (partition by after_sale_id) as version_count,
        row_number() over (
            partition by after_sale_id
            order by last_event_at desc nulls last, status_rank desc nulls last,
                file_as_of desc nulls last, file_sha256 desc, source_row desc
        ) as version_rank
    from versions
),

single_version as (
    select * exclude (version_rank) from ranked where version_count = 1
),

merged_versions as (
    select
        after_sale_id,
        first(deadline_at order by version_rank) as deadline_at,
        arg_min(
            columns(* exclude (after_sale_id, deadline_at, version_rank)),
            case when columns(* exclude (after_sale_id, deadline_at, version_rank)) is not null then version_rank end
        )
    from ranked
    where version_count > 1
    group by after_sale_id
),

current_sales as (
    select * from single_version
    union all by name
    select * from merged_versions
),

final as (
    select
        sales.after_sale_id,
        sales.order_id,
        sales.order_item_id,
        sales.shop_id,
        sales.product_id,
        sales.product_name,
        sales.sku_code,
        sales.after_sale_type as after_sale_type_raw,
        sale_type.after_sale_type,
        sales.after_sale_status,
        sales.status_group as after_sale_status_group,
        sales.status_group in ('closed', 'failed', 'rejected', 'cancelled') as is_closed_without_refund,
        sales.item_shipping_status,
        sales.quantity,
        sales.applied_at,
        sales.approved_at,
        sales.return_shipped_at,
        sales.refunded_at,
        sales.refund_arrived_at,
        sales.closed_at,
        sales.finalized_at,
        sales.deadline_at,
        sales.reason as reason_raw,
        reason.reason_text,
        reason.quality_flag as reason_quality_flag,
        reason.reason_code,
        coalesce(reason.reason_group, '未知') as reason_group,
        sales.reason_label,
        sales.buyer_comment,
        sales.payable_amount,
        sales.refund_goods_amount,
        sales.refund_freight_amount,
        abs(sales.refund_payment_discount_amount) as refund_payment_discount_amount,
        sales.refund_tax_amount,
        sales.refund_method,
        sales.return_tracking_no,
        sales.return_carrier,
        sales.return_logistics_status,
        sales.return_exception,
        sales.arbitration_status,
        sales.dispute_liability,
        sales.is_express_refund,
        sales.is_refund_after_rejection,
        sales.version_count::integer as version_count,
        sales.file_id as source_file_id,
        sales.source_row
    from current_sales as sales
    left join staging.lookup_after_sale_type as sale_type
        on sale_type.raw = sales.after_sale_type
        and sale_type.shipping_status is not distinct from sales.item_shipping_status
    left join staging.lookup_reason as reason on reason.raw = sales.reason
)

select * from final order by after_sale_id;
