-- The themes each buyer comment (用户售后说明) carries, beside what the theme marts count about its
-- after-sale. Definitions: docs/metrics.md §10.
-- Comments come masked from intermediate.int_after_sale_comments (never from core); the lexicon in
-- force from marts.cost_assumptions, area 'comments' (default src/pipelines/normalize/commentThemes.ts,
-- extended by the config's commentThemes). Matching is by substring on the lower-cased comment; before
-- a theme's keywords are looked for, its exclude phrases (negations, other senses) are cut out of the
-- comment, longest first. A comment can carry several themes. Each distinct comment text is matched
-- once and its themes joined back to every after-sale carrying it.
-- Scope: every after-sale (any type, any state) with a 商家编码; SKU and product from the order
-- export, else the after-sale export's own columns. A product's name is the one most of its
-- after-sales carry; category comes from the SKU master. week_start is the Monday of the ISO week of
-- 售后申请时间 (NULL without one). is_return: an effective after-sale (退货退款 or 已发货仅退款, not
-- closed, failed, rejected or cancelled; an unknown status counts), as in int_order_line_returns;
-- units: the 子订单's 商品数量, else the after-sale's own quantity.
-- Grain: one row per after_sale_id; themes is empty when the comment names none (or there is none).
-- The per-after-sale facts come from intermediate/int_after_sale_comment_facts.sql (updated in place
-- after a load), the product name vote from intermediate/int_comment_product_names.sql. After a load
-- this table is updated in place too: the touched after-sales, and those of products whose name the
-- vote changed (models/incremental/int_after_sale_comment_themes.sql); a daily load at 10M 子订单
-- rewrote all 3.5M rows.
-- @incremental: after_sale_id in comment_themes_scope
create or replace table intermediate.int_after_sale_comment_themes as
with scoped as (
    select * from intermediate.int_after_sale_comment_facts
    -- @scope where after_sale_id in (select after_sale_id from comment_themes_scope)
),

product_names as (
    select * from intermediate.int_comment_product_names
),

final as (
    select
        scoped.after_sale_id,
        scoped.shop_id,
        scoped.product_id,
        product_names.product_name,
        scoped.sku_code,
        scoped.category,
        scoped.week_start,
        scoped.is_return,
        scoped.units,
        scoped.has_comment,
        scoped.themes,
        scoped.matched_keywords
    from scoped
    left join product_names
        on product_names.shop_id = scoped.shop_id
        and product_names.product_id is not distinct from scoped.product_id
)

-- Not sorted: its readers group it or look after-sales up in it.
select * from final;
