-- The products page's comment themes of each SKU over all loaded weeks (marts.sku_comment_themes,
-- with the denominators of marts.sku_comment_weeks), and the latest week each theme grew.
-- share_of_comments = after-sales with the theme ÷ the SKU's after-sales with a comment;
-- share_of_returns = returns with the theme ÷ all the SKU's returns (docs/metrics.md §10).
-- Grain: one row per (shop_id, sku_code, theme) that occurred.
with themes as (
    select * from marts.sku_comment_themes
),

weeks as (
    select * from marts.sku_comment_weeks
),

sku_totals as (
    select
        shop_id,
        sku_code,
        sum(after_sale_count) as sku_after_sale_count,
        sum(commented_count) as sku_commented_count,
        sum(return_count) as sku_return_count
    from weeks
    group by all
),

by_theme as (
    select
        shop_id,
        sku_code,
        theme,
        min(theme_order) as theme_order,
        sum(after_sale_count) as after_sale_count,
        sum(return_count) as return_count,
        count(*) filter (where is_growing) as growing_weeks,
        max(week) filter (where is_growing) as latest_growth_week
    from themes
    group by all
),

final as (
    select
        by_theme.shop_id,
        by_theme.sku_code,
        by_theme.theme,
        by_theme.theme_order::integer as theme_order,
        by_theme.after_sale_count::double as after_sale_count,
        by_theme.return_count::double as return_count,
        sku_totals.sku_after_sale_count::double as sku_after_sale_count,
        sku_totals.sku_commented_count::double as sku_commented_count,
        sku_totals.sku_return_count::double as sku_return_count,
        by_theme.after_sale_count / nullif(sku_totals.sku_commented_count, 0) as share_of_comments,
        by_theme.return_count / nullif(sku_totals.sku_return_count, 0) as share_of_returns,
        by_theme.growing_weeks::integer as growing_weeks,
        by_theme.latest_growth_week
    from by_theme
    inner join sku_totals on sku_totals.shop_id = by_theme.shop_id and sku_totals.sku_code = by_theme.sku_code
)

select * from final order by shop_id, sku_code, after_sale_count desc, theme_order;
