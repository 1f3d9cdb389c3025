-- How many after-sales each SKU had in each application week, and how many of them carry a buyer
-- comment (用户售后说明) or a theme: the denominators of marts.sku_comment_themes. Definitions:
-- docs/metrics.md §10. Every count is additive (sum over weeks, SKUs or products, then divide).
-- Week: the ISO week of 售后申请时间 (Beijing), week_start its Monday; after-sales without an
-- application time, or without a 商家编码, are left out (intermediate.int_after_sale_comment_themes).
-- Grain: one row per (shop_id, product_id, sku_code, week_start) with an after-sale; product_id may be
-- NULL (a 商家编码 whose product is unknown).
create or replace table marts.sku_comment_weeks as
with after_sales as (
    select * from intermediate.int_after_sale_comment_themes
    where week_start is not null
),

final as (
    select
        shop_id,
        product_id,
        product_name,
        sku_code,
        category,
        strftime(week_start, '%G-W%V') as week,
        week_start,
        count(*)::bigint as after_sale_count,
        count(*) filter (where has_comment)::bigint as commented_count,
        count(*) filter (where len(themes) > 0)::bigint as themed_count,
        count(*) filter (where is_return)::bigint as return_count,
        count(*) filter (where is_return and has_comment)::bigint as commented_return_count,
        coalesce(sum(units) filter (where is_return), 0)::bigint as returned_units
    from after_sales
    group by all
)

select * from final order by shop_id, sku_code, product_id, week_start;
