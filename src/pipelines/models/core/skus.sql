-- Current SKU master (商品档案) per shop. Grain: one row per (shop_id, sku_code).
-- A master file has no event times, so the newer file is the one modified later (its as_of is
-- the file's modification time); ties fall to the file hash, so load order never matters.
create or replace table core.skus as
with versions as (
    select
        master.*,
        row_number() over (
            partition by master.shop_id, master.sku_code
            order by log.as_of desc nulls last, log.sha256 desc, master.source_row desc
        ) as version_rank
    from staging.sku_master as master
    inner join meta.ingest_log as log on log.file_id = master.file_id
),

final as (
    select
        versions.shop_id,
        versions.sku_code,
        versions.product_id,
        versions.style_code,
        versions.product_name,
        versions.color,
        versions.size,
        size.size_label,
        size.size_sort,
        versions.category,
        versions.unit_cost_amount,
        versions.file_id as source_file_id,
        versions.source_row
    from versions
    left join staging.lookup_size as size on size.raw = versions.size
    where versions.version_rank = 1
)

select * from final order by shop_id, sku_code;
