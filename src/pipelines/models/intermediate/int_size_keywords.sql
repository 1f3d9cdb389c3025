-- The words that say a size runs small (偏小) or large (偏大), looked for in the attributed
-- after-sale's 售后原因, 售后原因标签 and 用户售后说明 (marts.size_fit). The one place these lists live.
-- Grain: one row per keyword.
--
-- direction:
--   small     the item was too small for the buyer: the size runs small (偏小)
--   large     the item was too big: the size runs large (偏大)
--   not_size  phrases that contain a size word but are about something else (色差太大, 差别很大);
--             they are removed from the text before the other two lists are matched
-- Matching is by substring, case as written. Choices, so that a keyword never says the opposite:
--   - no bare 小一码 / 大一码: "建议拍大一码" means the item ran small, "偏大一码" that it ran large;
--     the advice phrases (拍大一码 …) are listed with the direction they imply, and 偏小一码,
--     小了一码, 偏大一码, 大了一码 are already covered by 偏小, 小了, 偏大, 大了.
--   - no bare 小 / 大 / 紧 (小瑕疵, 色差大, 紧急), and no 尺码大 / 码数小 (尺码大小不合适): only
--     forms that describe the fit.
--   - no length words (太长, 太短): length is not girth; a long dress can still be tight.
create or replace table intermediate.int_size_keywords as
with keywords as (
    select * from (
        values
            ('偏小', 'small'),
            ('小了', 'small'),
            ('太小', 'small'),
            ('有点小', 'small'),
            ('太紧', 'small'),
            ('偏紧', 'small'),
            ('有点紧', 'small'),
            ('很紧', 'small'),
            ('紧了', 'small'),
            ('勒肉', 'small'),
            ('穿不上', 'small'),
            ('穿不进', 'small'),
            ('穿不下', 'small'),
            ('拉不上', 'small'),
            ('扣不上', 'small'),
            ('拍大一码', 'small'),
            ('买大一码', 'small'),
            ('换大一码', 'small'),
            ('选大一码', 'small'),
            ('要大一码', 'small'),
            ('拍大一号', 'small'),
            ('换大一号', 'small'),
            ('偏大', 'large'),
            ('大了', 'large'),
            ('太大', 'large'),
            ('有点大', 'large'),
            ('宽松', 'large'),
            ('太松', 'large'),
            ('松垮', 'large'),
            ('太肥', 'large'),
            ('空荡', 'large'),
            ('拍小一码', 'large'),
            ('买小一码', 'large'),
            ('换小一码', 'large'),
            ('选小一码', 'large'),
            ('要小一码', 'large'),
            ('拍小一号', 'large'),
            ('换小一号', 'large')
    ) as seed (keyword, direction)
),

-- 色差太大, 差别很大, 问题大 …: every pairing of these nouns and degree words.
not_size_phrases as (
    select noun || degree as keyword, 'not_size' as direction
    from (values ('色差'), ('差别'), ('差距'), ('落差'), ('反差'), ('区别'), ('问题')) as nouns (noun)
    cross join (values ('太大'), ('很大'), ('有点大'), ('比较大'), ('非常大'), ('大')) as degrees (degree)
),

final as (
    select keyword::varchar as keyword, direction::varchar as direction from keywords
    union all
    select keyword, direction from not_size_phrases
)

select * from final order by direction, keyword;
