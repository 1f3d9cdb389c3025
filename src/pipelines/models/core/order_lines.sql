-- Current state of every 子订单 across all loaded order exports.
-- Grain: one row per order_item_id (子订单编号).
-- Versions are ordered, independently of load order, by: the latest event (greatest of
-- 支付/发货/完成/提交时间), then the most advanced 订单状态, then the file whose latest event is
-- latest (our stand-in for its export time), then file hash and row. Each column takes its value
-- from the newest version in which it is not empty, so a later export with fewer columns (a
-- merchant-chosen subset) updates the state without erasing what it doesn't carry.
create or replace table core.order_lines as
with versions as (
    select
        lines.*,
        log.as_of as file_as_of,
        log.sha256 as file_sha256,
        greatest(lines.created_at, lines.paid_at, lines.shipped_at, lines.completed_at) as last_event_at,
        order_status.status_group as order_status_group,
        order_status.status_rank
    from staging.order_lines as lines
    inner join meta.ingest_log as log on log.file_id = lines.file_id
    left join staging.lookup_order_status as order_status on order_status.raw = lines.order_status
),

ranked as (
    select
        * exclude (file_as_of, file_sha256, last_event_at, status_rank),
        count(*) over (partition by order_item_id) as version_count,
        row_number() over (
            partition by order_item_id
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
        order_item_id,
        arg_min(
            columns(* exclude (order_item_id, version_rank)),
            case when columns(* exclude (order_item_id, version_rank)) is not null then version_rank end
        )
    from ranked
    where version_count > 1
    group by order_item_id
),

current_lines as (
    select * from single_version
    union all by name
    select * from merged_versions
),

masters as (
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
        case
            when coalesce(lines.recipient_name_hash, lines.recipient_phone_hash, lines.address_hash) is not null
                then sha256(concat_ws('|', lines.recipient_name_hash, lines.recipient_phone_hash, lines.address_hash))
        end as buyer_key,
        lines.version_count::integer as version_count,
        lines.file_id as source_file_id,
        lines.source_row
    from current_lines as lines
    left join masters on masters.shop_id = lines.shop_id and masters.sku_code = lines.sku_code
    left join staging.lookup_spec as spec on spec.raw = lines.spec
    left join staging.lookup_sku_code_size as code_size on code_size.raw = lines.sku_code
    left join staging.lookup_province as province on province.raw = lines.province
)

select * from final order by order_item_id;
