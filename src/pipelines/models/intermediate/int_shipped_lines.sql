-- Each shipped 子订单 with a cohort date (the 子订单 of the unit return rate) as the SKU and size
-- marts count it: its SKU, product, colour, size and units, whether it was returned and for how much
-- (the attributed after-sale's 退商品金额), and whether that return is a size return and says 偏小 or
-- 偏大. Definitions: the headers of marts/problem_skus.sql and marts/size_fit.sql, docs/metrics.md
-- §8; keywords: int_size_keywords.
-- Grain: one row per order_item_id. Those marts group these rows, so a load recomputes the 子订单
-- it touched here and regroups (metrics/refresh.ts):
-- @incremental: order_item_id in changed_lines
-- At 10M 子订单 it spills heavily at 1.5 GB (14 s against 10 s at 4 GB):
-- @memory: ceiling
create or replace table intermediate.int_shipped_lines as
with order_line_returns as (
    select * from intermediate.int_order_line_returns
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

order_lines as (
    select * from core.order_lines
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

after_sales as (
    select * from core.after_sales
    -- @scope where order_item_id in (select order_item_id from changed_lines)
),

size_keywords as (
    select * from intermediate.int_size_keywords
),

-- The keyword lists, longest first. Matched with replace/contains over a list rather than with a
-- regular expression built from the table: a pattern that isn't a literal is compiled again for
-- every row, which made this model the slowest of all on large warehouses.
patterns as (
    select
        list(keyword order by length(keyword) desc, keyword) filter (where direction = 'small') as small_keywords,
        list(keyword order by length(keyword) desc, keyword) filter (where direction = 'large') as large_keywords,
        list(keyword order by length(keyword) desc, keyword) filter (where direction = 'not_size') as not_size_keywords
    from size_keywords
),

-- The text a return's size keywords are looked for in, per after-sale.
after_sale_texts as (
    select
        after_sale_id,
        refund_goods_amount,
        concat_ws(' ', reason_raw, reason_label, buyer_comment) as raw_return_text
    from after_sales
),

lines as (
    select
        returns.order_item_id,
        returns.shop_id,
        order_lines.sku_code,
        order_lines.color,
        order_lines.product_id,
        order_lines.product_name,
        order_lines.category,
        order_lines.size,
        order_lines.size_sort,
        coalesce(returns.quantity, 0) as quantity,
        returns.is_returned,
        returns.first_return_reason_group as reason_group,
        case when returns.is_returned then attributed.refund_goods_amount end as refund_amount,
        case when returns.is_returned then attributed.raw_return_text end as raw_return_text
    from order_line_returns as returns
    inner join order_lines on order_lines.order_item_id = returns.order_item_id
    left join after_sale_texts as attributed on attributed.after_sale_id = returns.first_return_after_sale_id
    where returns.is_shipped and returns.cohort_date is not null
),

-- The keywords are looked for once per distinct text (texts repeat), then joined back. The texts
-- are those of every after-sale read, a few more than the returned lines' own: taking them from
-- lines instead made DuckDB copy its 10M rows to read them twice.
stripped_texts as (
    select
        texts.raw_return_text,
        list_reduce(
            coalesce(patterns.not_size_keywords, []::varchar[]),
            (text, keyword) -> replace(text, keyword, ' '),
            texts.raw_return_text
        ) as return_text,
        patterns.small_keywords,
        patterns.large_keywords
    from (select distinct raw_return_text from after_sale_texts) as texts
    cross join patterns
),

text_mentions as (
    select
        raw_return_text,
        coalesce(len(list_filter(small_keywords, keyword -> contains(return_text, keyword))) > 0, false)
            as mentions_small,
        coalesce(len(list_filter(large_keywords, keyword -> contains(return_text, keyword))) > 0, false)
            as mentions_large
    from stripped_texts
),

classified as (
    select
        lines.*,
        coalesce(text_mentions.mentions_small, false) as mentions_small,
        coalesce(text_mentions.mentions_large, false) as mentions_large
    from lines
    left join text_mentions on text_mentions.raw_return_text = lines.raw_return_text
),

sized as (
    select
        *,
        is_returned and (reason_group = '尺码' or mentions_small or mentions_large) as is_size_return
    from classified
)

select * from sized;
