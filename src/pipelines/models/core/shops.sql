-- Shops seen in loaded files. Grain: one row per shop_id (the inbox folder name).
create or replace view core.shops as
with seen as (
    select shop_id, min(started_at) as first_loaded_at, count(*)::integer as file_count
    from meta.ingest_log
    where status = 'loaded'
    group by shop_id
),

final as (
    select seen.shop_id, coalesce(names.shop_name, seen.shop_id) as shop_name, seen.first_loaded_at, seen.file_count
    from seen
    left join staging.lookup_shop_name as names on names.shop_id = seen.shop_id
)

select * from final;
