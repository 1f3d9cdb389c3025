-- The themes of the comments the products page lists (marts.sku_comments, the 5 latest of each
-- SKU), keyed by SKU and comment_rank, as sku_comments.sql publishes them: theme labels only, never
-- the comment or the 售后单号 (intermediate.int_after_sale_comment_themes).
-- Grain: one row per (shop_id, sku_code, comment_rank) whose comment carries a theme.
with comments as (
    select * from marts.sku_comments where comment_rank <= 5
),

themes as (
    select * from intermediate.int_after_sale_comment_themes
),

final as (
    select
        comments.shop_id,
        comments.sku_code,
        comments.comment_rank,
        array_to_string(themes.themes, '、') as themes
    from comments
    inner join themes on themes.after_sale_id = comments.after_sale_id
    where len(themes.themes) > 0
)

select * from final order by shop_id, sku_code, comment_rank;
