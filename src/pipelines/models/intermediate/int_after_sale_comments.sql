-- The buyer's after-sale comment (用户售后说明), masked: the one place where comments are made safe
-- to publish. Buyers type phone numbers, WeChat handles and names into them; every mart and page
-- that shows a comment reads it from here, never from core.
--   1. WeChat / QQ handles after 微信, vx, v信, wx, qq: the handle → ＊＊＊;
--   2. every run of 5 or more digits (ASCII or full-width, spaces, dots and dashes between them
--      allowed, optional +): mobile and landline numbers, QQ numbers, IDs → ＊＊＊;
--   3. e-mail addresses → ＊＊＊;
--   4. up to three Han characters after 姓名, 名字, 联系人, 收件人, 收货人, 我叫 → ＊＊;
--   5. the surname before 先生, 女士, 小姐 → ＊;
--   6. text after 地址 or 住在 up to the next punctuation → ＊＊＊.
-- Names written with no such cue cannot be recognized; pages that show comments say so.
-- Grain: one row per after_sale_id with a non-empty comment.
-- After a load, only the after-sales of the 子订单 it touched are replaced (metrics/refresh.ts):
-- @incremental: after_sale_id in changed_after_sales
create or replace table intermediate.int_after_sale_comments as
with after_sales as (
    select after_sale_id, shop_id, buyer_comment
    from core.after_sales
    where nullif(trim(buyer_comment), '') is not null
    -- @scope and after_sale_id in (select after_sale_id from changed_after_sales)
),

masked as (
    select
        after_sale_id,
        shop_id,
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            regexp_replace(
                                buyer_comment,
                                '(微信|[vV][xX]|[vV]信|[wW][xX]|[qQ][qQ])[:：号\s]*[A-Za-z0-9_\-]{4,}',
                                '\1＊＊＊',
                                'g'
                            ),
                            '[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}',
                            '＊＊＊',
                            'g'
                        ),
                        '\+?[0-9０-９](?:[\s\-－.]*[0-9０-９*＊]){4,}',
                        '＊＊＊',
                        'g'
                    ),
                    '(姓名|名字|联系人|收件人|收货人|我叫)([:：\s]*)\p{Han}{1,3}',
                    '\1\2＊＊',
                    'g'
                ),
                '\p{Han}(先生|女士|小姐)',
                '＊\1',
                'g'
            ),
            '(地址|住在)([:：\s]*)[^，。,.;；!！?？\s]+',
            '\1\2＊＊＊',
            'g'
        ) as comment_masked
    from after_sales
)

select * from masked;
