-- The products page's buyer comments: marts.sku_comments (already masked there), the 5 latest of each
-- SKU, cut to 80 characters, so that the page stays small at any scale (≈ 5 × SKUs rows).
-- Grain: one row per after_sale_id; comment_rank 1 is the SKU's latest.
with comments as (
    select * from marts.sku_comments
),

final as (
    select
        shop_id,
        sku_code,
        after_sale_id,
        strftime(applied_at, '%Y-%m-%d') as applied_date,
        reason_group,
        reason,
        size,
        left(comment_masked, 80) as comment,
        comment_rank,
        sku_comment_count
    from comments
    where comment_rank <= 5
)

select * from final order by shop_id, sku_code, comment_rank;
