-- How each size of a product returns: its unit return rate against the product's other sizes (with
-- a two-proportion z-test), its size returns (尺码), and whether their texts say 偏小 or 偏大.
-- Definitions: docs/metrics.md §8; keywords: intermediate.int_size_keywords.
-- Grain: one row per (shop_id, product_id, size); an unknown size (NULL) is a row of its own but is
-- neither tested nor part of any size's "other sizes". Shipped 子订单 with a cohort date and a 商品ID.
--
-- A returned 子订单 is a size return when its attributed (earliest effective) after-sale has the
-- reason group 尺码, or its 售后原因, 售后原因标签 or 用户售后说明 mention a small or large keyword.
-- Mentions count 子订单, one voice per after-sale: small (only small keywords), large (only large
-- ones) or mixed (both). returns_more: z ≥ 1.96 with at least 30 shipped units on both sides.
create or replace table marts.size_fit as
with settings as (
    select 30 as min_volume, 1.96 as significant_z
),

-- Shipped 子订单 with their return and size-return facts (intermediate/int_shipped_lines.sql).
sized as (
    select * from intermediate.int_shipped_lines where product_id is not null
),

lines as (
    select * from sized
),

by_size as (
    select
        shop_id,
        product_id,
        size,
        min(size_sort) as size_sort,
        count(*) as shipped_orders,
        sum(quantity)::bigint as shipped_units,
        count(*) filter (where is_returned) as returned_orders,
        coalesce(sum(quantity) filter (where is_returned), 0)::bigint as returned_units,
        count(*) filter (where is_size_return) as size_returned_orders,
        coalesce(sum(quantity) filter (where is_size_return), 0)::bigint as size_returned_units,
        count(*) filter (where is_returned and mentions_small and not mentions_large) as small_mention_orders,
        count(*) filter (where is_returned and mentions_large and not mentions_small) as large_mention_orders,
        count(*) filter (where is_returned and mentions_small and mentions_large) as mixed_mention_orders
    from sized
    group by all
),

-- A product's name and category: those of most of its 子订单.
product_attributes as (
    select shop_id, product_id, product_name, category
    from (
        select shop_id, product_id, product_name, category, count(*) as line_count
        from lines
        group by all
    )
    qualify row_number() over (
        partition by shop_id, product_id
        order by line_count desc, product_name nulls last, category nulls last
    ) = 1
),

known_size_totals as (
    select
        shop_id,
        product_id,
        count(*) as known_sizes,
        sum(shipped_units)::bigint as known_shipped_units,
        sum(returned_units)::bigint as known_returned_units
    from by_size
    where size is not null
    group by all
),

compared as (
    select
        by_size.*,
        case when by_size.size is not null then totals.known_sizes - 1 end as other_sizes,
        case when by_size.size is not null then totals.known_shipped_units - by_size.shipped_units end
            as other_shipped_units,
        case when by_size.size is not null then totals.known_returned_units - by_size.returned_units end
            as other_returned_units
    from by_size
    left join known_size_totals as totals
        on totals.shop_id = by_size.shop_id and totals.product_id = by_size.product_id
),

rates as (
    select
        compared.*,
        returned_units / nullif(shipped_units, 0) as return_rate,
        size_returned_units / nullif(shipped_units, 0) as size_return_rate,
        other_returned_units / nullif(other_shipped_units, 0) as other_return_rate,
        (returned_units + other_returned_units) / nullif(shipped_units + other_shipped_units, 0) as pooled_rate
    from compared
),

measured as (
    select
        rates.shop_id,
        rates.product_id,
        attributes.product_name,
        attributes.category,
        rates.size,
        rates.size_sort,
        rates.shipped_orders,
        rates.shipped_units,
        rates.returned_orders,
        rates.returned_units,
        rates.return_rate,
        rates.size_returned_orders,
        rates.size_returned_units,
        rates.size_return_rate,
        rates.small_mention_orders,
        rates.large_mention_orders,
        rates.mixed_mention_orders,
        rates.other_sizes,
        rates.other_shipped_units,
        rates.other_returned_units,
        rates.other_return_rate,
        -- Two-proportion z-test with the pooled rate.
        case
            when rates.shipped_units > 0 and rates.other_shipped_units > 0
                and rates.pooled_rate > 0 and rates.pooled_rate < 1 then
                (rates.return_rate - rates.other_return_rate) / sqrt(
                    rates.pooled_rate * (1 - rates.pooled_rate)
                    * (1 / rates.shipped_units + 1 / rates.other_shipped_units)
                )
        end as z_score,
        rates.shipped_units < settings.min_volume as low_volume
    from rates
    cross join settings
    inner join product_attributes as attributes
        on attributes.shop_id = rates.shop_id and attributes.product_id = rates.product_id
),

final as (
    select
        measured.*,
        coalesce(
            z_score >= settings.significant_z
            and shipped_units >= settings.min_volume
            and other_shipped_units >= settings.min_volume,
            false
        ) as returns_more
    from measured
    cross join settings
)

select * from final order by shop_id, product_id, size_sort nulls last, size;
