-- Whether a product runs small (偏小) or large (偏大), from what its size returns say, with the
-- size pattern beside it. Definitions: docs/metrics.md §8; per-size facts: marts.size_fit.
-- Grain: one row per (shop_id, product_id).
--
-- verdict:
--   数据不足  fewer than 20 size returns, or fewer than 10 that lean one way (small or large)
--   偏小      at least 65% of the leaning ones say small, and small − large ≥ 1.96·√(small + large)
--             (a sign test against an even split, one-sided p ≤ 0.025)
--   偏大      the same for large
--   正常      otherwise
-- The size pattern is evidence, not part of the verdict: smaller_sizes are the lower half of the
-- known sizes by size order, larger_sizes the upper half (the middle one of an odd count is in
-- neither); sizes_returning_more lists the sizes whose return rate is above the product's other
-- sizes' (marts.size_fit.returns_more).
create or replace table marts.product_size_verdicts as
with settings as (
    select 20 as min_size_returns, 10 as min_leaning_mentions, 0.65 as min_share, 1.96 as min_sign_z
),

size_fit as (
    select * from marts.size_fit
),

ordered_sizes as (
    select
        *,
        row_number() over (partition by shop_id, product_id order by size_sort, size) as size_position,
        count(*) over (partition by shop_id, product_id) as known_sizes
    from size_fit
    where size is not null
),

halves as (
    select
        *,
        size_position <= known_sizes // 2 as is_smaller_half,
        size_position > known_sizes - known_sizes // 2 as is_larger_half
    from ordered_sizes
),

size_pattern as (
    select
        shop_id,
        product_id,
        max(known_sizes) as known_sizes,
        string_agg(size, ',' order by size_position) filter (where is_smaller_half) as smaller_sizes,
        sum(shipped_units) filter (where is_smaller_half) as smaller_shipped_units,
        sum(returned_units) filter (where is_smaller_half) as smaller_returned_units,
        string_agg(size, ',' order by size_position) filter (where is_larger_half) as larger_sizes,
        sum(shipped_units) filter (where is_larger_half) as larger_shipped_units,
        sum(returned_units) filter (where is_larger_half) as larger_returned_units,
        string_agg(size, ',' order by size_position) filter (where returns_more) as sizes_returning_more
    from halves
    group by all
),

products as (
    select
        shop_id,
        product_id,
        any_value(product_name) as product_name,
        any_value(category) as category,
        sum(shipped_units)::bigint as shipped_units,
        sum(returned_units)::bigint as returned_units,
        sum(size_returned_orders)::bigint as size_returned_orders,
        sum(size_returned_units)::bigint as size_returned_units,
        sum(small_mention_orders)::bigint as small_mention_orders,
        sum(large_mention_orders)::bigint as large_mention_orders,
        sum(mixed_mention_orders)::bigint as mixed_mention_orders
    from size_fit
    group by all
),

measured as (
    select
        products.*,
        products.returned_units / nullif(products.shipped_units, 0) as return_rate,
        products.size_returned_units / nullif(products.shipped_units, 0) as size_return_rate,
        small_mention_orders / nullif(small_mention_orders + large_mention_orders, 0) as small_share,
        large_mention_orders / nullif(small_mention_orders + large_mention_orders, 0) as large_share,
        (small_mention_orders - large_mention_orders)
            / nullif(sqrt(small_mention_orders + large_mention_orders), 0) as sign_z,
        coalesce(pattern.known_sizes, 0) as known_sizes,
        pattern.smaller_sizes,
        pattern.smaller_returned_units / nullif(pattern.smaller_shipped_units, 0) as smaller_sizes_return_rate,
        pattern.larger_sizes,
        pattern.larger_returned_units / nullif(pattern.larger_shipped_units, 0) as larger_sizes_return_rate,
        pattern.sizes_returning_more
    from products
    left join size_pattern as pattern
        on pattern.shop_id = products.shop_id and pattern.product_id = products.product_id
),

verdicts as (
    select
        measured.*,
        case
            when measured.size_returned_orders < settings.min_size_returns
                or measured.small_mention_orders + measured.large_mention_orders < settings.min_leaning_mentions
                then '数据不足'
            when measured.small_share >= settings.min_share and measured.sign_z >= settings.min_sign_z then '偏小'
            when measured.large_share >= settings.min_share and -measured.sign_z >= settings.min_sign_z then '偏大'
            else '正常'
        end as verdict
    from measured
    cross join settings
),

final as (
    select
        *,
        case verdict
            when '偏小' then 'runs small'
            when '偏大' then 'runs large'
            when '正常' then 'true to size'
            else 'insufficient data'
        end as verdict_en
    from verdicts
)

select * from final order by shop_id, product_id;
