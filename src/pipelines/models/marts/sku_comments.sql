-- What buyers wrote when they asked for an after-sale (用户售后说明), per SKU, for the products page:
-- the 20 latest comments of each (shop_id, sku_code), masked (intermediate.int_after_sale_comments:
-- phone numbers, handles, e-mail addresses and cued names replaced), cut to 120 characters. Nothing
-- else about the buyer is published; after_sale_id lets the merchant look the case up in 抖店.
-- All after-sale types and states count (a closed request still says why the buyer was unhappy).
-- Grain: one row per after_sale_id with a comment and a 商家编码; comment_rank 1 is the latest.
create or replace table marts.sku_comments as
with after_sales as (
    select * from core.after_sales
),

comments as (
    select * from intermediate.int_after_sale_comments
),

order_lines as (
    select order_item_id, size, color, category from core.order_lines
),

-- Ranked on narrow columns, and only the 20 kept are joined back for their text: a window over
-- every commented after-sale carrying its columns needed more than 1.5 GB at 3.5M after-sales.
ranked as (
    select
        after_sales.after_sale_id,
        row_number() over (
            partition by after_sales.shop_id, after_sales.sku_code
            order by after_sales.applied_at desc nulls last, after_sales.after_sale_id
        ) as comment_rank,
        count(*) over (partition by after_sales.shop_id, after_sales.sku_code) as sku_comment_count
    from after_sales
    semi join comments on comments.after_sale_id = after_sales.after_sale_id
    where after_sales.sku_code is not null
    qualify comment_rank <= 20
),

kept as (
    select
        after_sales.shop_id,
        after_sales.sku_code,
        after_sales.product_id,
        after_sales.after_sale_id,
        after_sales.after_sale_type,
        after_sales.applied_at,
        after_sales.reason_group,
        coalesce(after_sales.reason_text, after_sales.reason_raw) as reason,
        order_lines.size,
        order_lines.color,
        order_lines.category,
        left(comments.comment_masked, 120) as comment_masked,
        ranked.comment_rank,
        ranked.sku_comment_count
    from ranked
    inner join after_sales on after_sales.after_sale_id = ranked.after_sale_id
    inner join comments on comments.after_sale_id = ranked.after_sale_id
    left join order_lines on order_lines.order_item_id = after_sales.order_item_id
),

final as (
    select
        shop_id,
        sku_code,
        product_id,
        after_sale_id,
        after_sale_type,
        applied_at,
        reason_group,
        reason,
        size,
        color,
        category,
        comment_masked,
        comment_rank::integer as comment_rank,
        sku_comment_count::integer as sku_comment_count
    from kept
)

select * from final;
