-- Every 子订单 in its current state (core.order_line_states), enriched: size and colour from
-- 商品规格, 商家编码 or the SKU master; category and unit cost from the master; province normalized
-- to GB/T 2260 with an explicit 未知 bucket; a hashed buyer key. A view, so that a SKU master or a
-- config change shows at once without reloading anything.
-- Grain: one row per order_item_id (子订单编号).
create or replace view core.order_lines as
with masters as (
    select * from core.skus
),

final as (
    select
        lines.order_item_id,
        lines.order_id,
        lines.shop_id,
        coalesce(lines.product_id, masters.product_id) as product_id,
        lines.product_name,
        lines.sku_code,
        lines.item_code,
        masters.style_code,
        lines.spec,
        coalesce(spec.color, masters.color) as color,
        coalesce(spec.size_label, code_size.size_label, masters.size_label) as size,
        coalesce(spec.size_sort, code_size.size_sort, masters.size_sort) as size_sort,
        case
            when spec.size_label is not null then '商品规格'
            when code_size.size_label is not null then '商家编码'
            when masters.size_label is not null then '商品档案'
        end as size_source,
        coalesce(spec.size_text, masters.size) as size_raw,
        masters.category,
        masters.unit_cost_amount,
        lines.quantity,
        lines.unit_price_amount,
        lines.payable_amount,
        lines.freight_amount,
        lines.discount_total_amount,
        lines.order_status,
        lines.order_status_group,
        lines.after_sale_status as order_after_sale_status,
        lines.cancel_reason,
        lines.order_type,
        lines.payment_method,
        lines.created_at,
        lines.paid_at,
        lines.shipped_at,
        lines.completed_at,
        lines.promised_ship_at,
        (lines.shipped_at is not null or lines.order_status_group in ('shipped', 'completed')) as is_shipped,
        lines.app_channel,
        lines.traffic_source,
        lines.traffic_type,
        lines.traffic_format,
        lines.traffic_channel,
        lines.ad_channel,
        lines.influencer_id,
        lines.influencer_name,
        lines.province as province_raw,
        province.province_code,
        coalesce(province.province_name, '未知') as province_name,
        lines.city,
        lines.district,
        lines.express_info,
        lines.warehouse_name,
        -- sha256 of the salted recipient hashes, computed with the state (core/order_line_states.sql).
        lines.buyer_key,
        lines.version_count::integer as version_count,
        lines.file_id as source_file_id,
        lines.source_row
    from core.order_line_states as lines
    left join masters on masters.shop_id = lines.shop_id and masters.sku_code = lines.sku_code
    left join staging.lookup_spec as spec on spec.raw = lines.spec
    left join staging.lookup_sku_code_size as code_size on code_size.raw = lines.sku_code
    left join staging.lookup_province as province on province.raw = lines.province
)

select * from final;
