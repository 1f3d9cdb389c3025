-- Each after-sale with a 商家编码 as intermediate/int_after_sale_comment_themes.sql describes it (its
-- SKU, product, week, return, units and the themes its comment carries), with the product name this
-- after-sale shows (product_name_seen): everything but the name vote across a product's after-sales,
-- which int_after_sale_comment_themes adds. Definitions there and in docs/metrics.md §10.
-- Grain: one row per after_sale_id. A load recomputes the after-sales of the 子订单 it touched
-- (metrics/refresh.ts):
-- @incremental: after_sale_id in changed_after_sales
create or replace table intermediate.int_after_sale_comment_facts as
with assumptions as (
    select * from marts.cost_assumptions where area = 'comments'
),

comments as (
    select * from intermediate.int_after_sale_comments
    -- @scope where after_sale_id in (select after_sale_id from changed_after_sales)
),

after_sales as (
    select * from core.after_sales
    -- @scope where after_sale_id in (select after_sale_id from changed_after_sales)
),

order_lines as (
    select order_item_id, product_id, product_name, sku_code, quantity from core.order_lines
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

skus as (
    select shop_id, sku_code, category from core.skus
),

themes as (
    select key as theme, value::integer as theme_order from assumptions where parameter = 'theme'
),

keywords as (
    select text_value as theme, lower(substr(key, length(text_value) + 2)) as keyword
    from assumptions
    where parameter = 'theme_keyword'
),

excludes as (
    select
        text_value as theme,
        list(lower(substr(key, length(text_value) + 2)) order by length(key) desc, key) as phrases
    from assumptions
    where parameter = 'theme_exclude'
    group by text_value
),

-- The comments' distinct texts: themes are matched once per text (comments repeat), then joined
-- back to every after-sale that carries that text.
texts as (
    select distinct comment_masked as comment_text from comments
),

-- Each text once per theme, with that theme's exclude phrases cut out.
theme_texts as (
    select
        texts.comment_text,
        themes.theme,
        themes.theme_order,
        list_reduce(
            list_prepend(lower(texts.comment_text), coalesce(excludes.phrases, []::varchar[])),
            (text, phrase) -> replace(text, phrase, '｜')
        ) as comment
    from texts
    cross join themes
    left join excludes on excludes.theme = themes.theme
),

matches as (
    select
        theme_texts.comment_text,
        theme_texts.theme,
        theme_texts.theme_order,
        list(keywords.keyword order by keywords.keyword) as matched_keywords
    from theme_texts
    inner join keywords
        on keywords.theme = theme_texts.theme and contains(theme_texts.comment, keywords.keyword)
    group by all
),

text_themes as (
    select
        comment_text,
        list(theme order by theme_order) as themes,
        list(theme || ':' || array_to_string(matched_keywords, '、') order by theme_order) as matched_keywords
    from matches
    group by comment_text
),

comment_themes as (
    select comments.after_sale_id, text_themes.themes, text_themes.matched_keywords
    from comments
    inner join text_themes on text_themes.comment_text = comments.comment_masked
),

scoped as (
    select
        after_sales.after_sale_id,
        after_sales.shop_id,
        coalesce(order_lines.product_id, after_sales.product_id) as product_id,
        coalesce(order_lines.product_name, after_sales.product_name) as product_name_seen,
        coalesce(order_lines.sku_code, after_sales.sku_code) as sku_code,
        date_trunc('week', after_sales.applied_at)::date as week_start,
        (
            after_sales.after_sale_type in ('退货退款', '已发货仅退款')
            and coalesce(after_sales.after_sale_status_group not in ('closed', 'failed', 'rejected', 'cancelled'), true)
        ) as is_return,
        coalesce(order_lines.quantity, after_sales.quantity) as units,
        comments.after_sale_id is not null as has_comment
    from after_sales
    left join order_lines on order_lines.order_item_id = after_sales.order_item_id
    left join comments on comments.after_sale_id = after_sales.after_sale_id
    where coalesce(order_lines.sku_code, after_sales.sku_code) is not null
),

final as (
    select
        scoped.after_sale_id,
        scoped.shop_id,
        scoped.product_id,
        scoped.product_name_seen,
        scoped.sku_code,
        skus.category,
        scoped.week_start,
        scoped.is_return,
        scoped.units,
        scoped.has_comment,
        coalesce(comment_themes.themes, []::varchar[]) as themes,
        coalesce(comment_themes.matched_keywords, []::varchar[]) as matched_keywords
    from scoped
    left join skus on skus.shop_id = scoped.shop_id and skus.sku_code = scoped.sku_code
    left join comment_themes on comment_themes.after_sale_id = scoped.after_sale_id
)

select * from final;
