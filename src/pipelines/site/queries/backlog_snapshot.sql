-- The 售后时效 page's "as of" line: per shop, the moment its data was last seen (as_of_at: the latest
-- event time in the shop's data, Beijing wall-clock time, as marts.after_sale_backlog defines it)
-- and when its last file was loaded (last_loaded_ms: epoch milliseconds of meta.ingest_log
-- finished_at; the page shows it in Beijing time).
-- Grain: one row per shop_id.
with shop_as_of as (
    select * from intermediate.int_shop_as_of
),

backlog as (
    select * from marts.after_sale_backlog
),

loads as (
    select shop_id, max(finished_at) as last_loaded_at
    from meta.ingest_log
    where status = 'loaded'
    group by shop_id
),

open_counts as (
    select shop_id, count(*)::integer as open_count
    from backlog
    group by shop_id
),

final as (
    select
        shop_as_of.shop_id,
        strftime(shop_as_of.as_of_at, '%Y-%m-%d %H:%M:%S') as as_of_at,
        epoch_ms(loads.last_loaded_at)::double as last_loaded_ms,
        coalesce(open_counts.open_count, 0) as open_count
    from shop_as_of
    left join loads on loads.shop_id = shop_as_of.shop_id
    left join open_counts on open_counts.shop_id = shop_as_of.shop_id
)

select * from final order by shop_id;
