-- The reasons page's theme × product table: after-sales by application week (售后申请时间), shop,
-- category and product, from marts.sku_comment_weeks and marts.sku_comment_themes. Like the reasons
-- loader, theme is NULL on the rows that carry the denominator: there commented_count is the
-- after-sales with a comment and theme_count is 0; on a theme's rows theme_count is its after-sales
-- and commented_count 0. Every measure is additive (docs/metrics.md §10).
-- Grain: one row per (week_start, shop_id, category, product_id, theme), theme NULL included.
with weeks as (
    select * from marts.sku_comment_weeks
),

themes as (
    select * from marts.sku_comment_themes
),

totals as (
    select
        week_start,
        shop_id,
        category,
        product_id,
        product_name,
        null::varchar as theme,
        null::integer as theme_order,
        sum(commented_count)::double as commented_count,
        0::double as theme_count
    from weeks
    group by all
    having sum(commented_count) > 0
),

by_theme as (
    select
        week_start,
        shop_id,
        category,
        product_id,
        product_name,
        theme,
        min(theme_order)::integer as theme_order,
        0::double as commented_count,
        sum(after_sale_count)::double as theme_count
    from themes
    group by week_start, shop_id, category, product_id, product_name, theme
),

final as (
    select * from totals
    union all
    select * from by_theme
)

select
    strftime(week_start, '%Y-%m-%d') as week_start,
    shop_id,
    category,
    product_id,
    product_name,
    theme,
    theme_order,
    commented_count,
    theme_count
from final
order by all;
