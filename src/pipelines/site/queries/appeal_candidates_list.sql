-- The 风险 page's list of 品质退货 appeal candidates (marts.appeal_candidates) of the last 52 weeks,
-- latest first within a shop (an appeal is time-limited). At most 500 in all, the shops taking
-- turns; shop_count says how many each shop has.
-- The mart leaves the buyer's comment (用户售后说明) out; the page needs it as the evidence of the
-- appeal, so it is published here as intermediate.int_after_sale_comments masks it (phone and QQ
-- numbers, WeChat handles, e-mail, cued names and addresses: the one place comments are made safe),
-- cut to 100 characters. Names written with no cue cannot be recognized; the page says so.
-- Grain: one row per after_sale_id.
with candidates as (
    select *
    from marts.appeal_candidates
    where applied_at >= (
        select date_trunc('week', max(applied_at)) - interval 51 week from marts.appeal_candidates
    )
),

comments as (
    select after_sale_id, comment_masked from intermediate.int_after_sale_comments
),

order_lines as (
    select order_item_id, category, traffic_source from core.order_lines
),

ranked as (
    select
        candidates.*,
        order_lines.category,
        order_lines.traffic_source as channel,
        comments.comment_masked,
        row_number() over (
            partition by candidates.shop_id
            order by candidates.applied_at desc nulls last, candidates.after_sale_id
        ) as list_rank,
        count(*) over (partition by candidates.shop_id) as shop_count
    from candidates
    left join order_lines on order_lines.order_item_id = candidates.order_item_id
    left join comments on comments.after_sale_id = candidates.after_sale_id
),

final as (
    select
        shop_id,
        list_rank::integer as list_rank,
        shop_count::integer as shop_count,
        strftime(date_trunc('week', applied_at), '%Y-%m-%d') as week_start,
        after_sale_id,
        after_sale_type,
        after_sale_status_group as status_group,
        strftime(applied_at, '%Y-%m-%d %H:%M') as applied_at,
        reason_group,
        reason,
        quality_basis,
        matched_keywords,
        left(comment_masked, 100) as comment_masked,
        category,
        channel
    from ranked
    qualify row_number() over (order by list_rank, shop_id) <= 500
)

-- Shown in turns: every shop's first, then every shop's second …
select * from final order by list_rank, shop_id;
