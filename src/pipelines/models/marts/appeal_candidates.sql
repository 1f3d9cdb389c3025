-- Quality-reason after-sales whose 用户售后说明 sounds like a change of mind (不想要, 拍错 …):
-- candidates for a 品质退货与事实不符 appeal (domain.md §3.2), which takes them out of
-- 商品品质退货率. Only after-sales that count in that metric are listed.
-- Grain: one row per after-sale (after_sale_id).
--
-- Counted in 商品品质退货率 as in platform_score_daily.sql: 退货退款 or 已发货仅退款, not closed,
-- failed, rejected or cancelled (unknown status counts), and a 商品品质 reason: tagged
-- （商品品质原因） (quality_basis 'tag'), or untagged in a quality_reason_group ('reason_group').
-- Subjective: the comment contains a word of the list in force (marts.cost_assumptions, area
-- 'risk', parameter 'subjective_keyword'; default list src/pipelines/metrics/riskKeywords.ts).
-- The comment itself is not published (buyers type phone numbers into it), only the words found.
create or replace table marts.appeal_candidates as
with after_sales as (
    select * from core.after_sales
),

assumptions as (
    select * from marts.cost_assumptions
),

keywords as (
    select key as keyword from assumptions where area = 'risk' and parameter = 'subjective_keyword'
),

quality_after_sales as (
    select
        *,
        case when reason_quality_flag = '商品品质' then 'tag' else 'reason_group' end as quality_basis
    from after_sales
    where after_sale_type in ('退货退款', '已发货仅退款')
        and coalesce(after_sale_status_group not in ('closed', 'failed', 'rejected', 'cancelled'), true)
        and (
            reason_quality_flag = '商品品质'
            or (
                reason_quality_flag is null
                and reason_group in (
                    select key from assumptions where area = 'platform' and parameter = 'quality_reason_group'
                )
            )
        )
        and buyer_comment is not null
),

matches as (
    select
        quality_after_sales.after_sale_id,
        list(keywords.keyword order by keywords.keyword) as matched_keywords
    from quality_after_sales
    inner join keywords on contains(quality_after_sales.buyer_comment, keywords.keyword)
    group by quality_after_sales.after_sale_id
),

final as (
    select
        quality_after_sales.shop_id,
        quality_after_sales.after_sale_id,
        quality_after_sales.order_id,
        quality_after_sales.order_item_id,
        quality_after_sales.after_sale_type,
        coalesce(quality_after_sales.after_sale_status_group, 'unknown') as after_sale_status_group,
        quality_after_sales.applied_at,
        quality_after_sales.reason_group,
        quality_after_sales.reason_text as reason,
        quality_after_sales.reason_quality_flag,
        quality_after_sales.quality_basis,
        matches.matched_keywords
    from quality_after_sales
    inner join matches on matches.after_sale_id = quality_after_sales.after_sale_id
)

select * from final order by shop_id, after_sale_id;
