-- Every 售后单 in its current state (core.after_sale_states), with its type, status group and
-- reason classified (reason group, quality flag, official code). A view, so that new reason rules
-- in the config show at once.
-- Grain: one row per after_sale_id (售后单号).
create or replace view core.after_sales as
with final as (
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
        sales.after_sale_status_group,
        sales.after_sale_status_group in ('closed', 'failed', 'rejected', 'cancelled') as is_closed_without_refund,
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
    from core.after_sale_states as sales
    left join staging.lookup_after_sale_type as sale_type
        on sale_type.raw = sales.after_sale_type
        and sale_type.shipping_status is not distinct from sales.item_shipping_status
    left join staging.lookup_reason as reason on reason.raw = sales.reason
)

select * from final;
