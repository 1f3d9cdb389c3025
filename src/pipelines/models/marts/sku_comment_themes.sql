-- What buyers say about each SKU, week by week: the after-sales whose comment (用户售后说明, masked)
-- carries each theme of the lexicon in force, their shares, and whether the theme grew against the
-- weeks before. Definitions: docs/metrics.md §10.
-- Week: the ISO week of 售后申请时间 (the week the buyer wrote it), not the order cohort: a comment
-- is news the week it is written, and the week is complete as soon as it ends.
-- A comment can carry several themes and counts under each, so a SKU-week's themes add up to more
-- than its commented after-sales. Every after-sale type and state counts (a refused claim still says
-- what was wrong); return_count / returned_units are the effective after-sales (returns) among them.
-- Shares: share_of_comments = after_sale_count ÷ the SKU-week's after-sales with a comment;
-- share_of_returns = return_count ÷ all the SKU-week's returns, with or without a comment.
-- Growth (settings from marts.cost_assumptions, area 'comments'): against the prior_weeks weeks before
-- (weeks without after-sales count as 0), is_growing when
--   after_sale_count − prior_after_sale_count ÷ prior_weeks ≥ growth_min_count_increase and
--   share_of_comments − prior_share_of_comments ≥ growth_min_share_increase
-- (prior share 0 when the SKU had no commented after-sale before; comparisons to 1e-9).
-- Grain: one row per (shop_id, product_id, sku_code, week_start, theme) with at least one after-sale.
create or replace table marts.sku_comment_themes as
with assumptions as (
    select * from marts.cost_assumptions where area = 'comments'
),

settings as (
    select
        max(value) filter (where parameter = 'growth_prior_weeks')::integer as prior_weeks,
        max(value) filter (where parameter = 'growth_min_count_increase') as min_count_increase,
        max(value) filter (where parameter = 'growth_min_share_increase') as min_share_increase
    from assumptions
),

themes as (
    select key as theme, value::integer as theme_order from assumptions where parameter = 'theme'
),

after_sales as (
    select * from intermediate.int_after_sale_comment_themes
    where week_start is not null and len(themes) > 0
),

weeks as (
    select * from marts.sku_comment_weeks
),

counts as (
    select
        shop_id,
        product_id,
        sku_code,
        week_start,
        unnest(themes) as theme,
        is_return,
        units
    from after_sales
),

by_theme as (
    select
        shop_id,
        product_id,
        sku_code,
        week_start,
        theme,
        count(*)::bigint as after_sale_count,
        count(*) filter (where is_return)::bigint as return_count,
        coalesce(sum(units) filter (where is_return), 0)::bigint as returned_units
    from counts
    group by all
),

-- The same SKU and theme in the prior_weeks weeks before.
prior_counts as (
    select
        current_week.shop_id,
        current_week.product_id,
        current_week.sku_code,
        current_week.week_start,
        current_week.theme,
        sum(prior_week.after_sale_count)::bigint as prior_after_sale_count
    from by_theme as current_week
    cross join settings
    inner join by_theme as prior_week
        on prior_week.shop_id = current_week.shop_id
        and prior_week.product_id is not distinct from current_week.product_id
        and prior_week.sku_code = current_week.sku_code
        and prior_week.theme = current_week.theme
        and prior_week.week_start >= current_week.week_start - 7 * settings.prior_weeks
        and prior_week.week_start < current_week.week_start
    group by all
),

-- The SKU's commented after-sales in those weeks.
prior_comments as (
    select
        current_week.shop_id,
        current_week.product_id,
        current_week.sku_code,
        current_week.week_start,
        sum(prior_week.commented_count)::bigint as prior_commented_count
    from weeks as current_week
    cross join settings
    inner join weeks as prior_week
        on prior_week.shop_id = current_week.shop_id
        and prior_week.product_id is not distinct from current_week.product_id
        and prior_week.sku_code = current_week.sku_code
        and prior_week.week_start >= current_week.week_start - 7 * settings.prior_weeks
        and prior_week.week_start < current_week.week_start
    group by all
),

measured as (
    select
        by_theme.*,
        themes.theme_order,
        weeks.product_name,
        weeks.category,
        weeks.week,
        weeks.commented_count,
        weeks.return_count as sku_return_count,
        settings.*,
        coalesce(prior_counts.prior_after_sale_count, 0)::bigint as prior_after_sale_count,
        coalesce(prior_comments.prior_commented_count, 0)::bigint as prior_commented_count
    from by_theme
    cross join settings
    inner join weeks
        on weeks.shop_id = by_theme.shop_id
        and weeks.product_id is not distinct from by_theme.product_id
        and weeks.sku_code = by_theme.sku_code
        and weeks.week_start = by_theme.week_start
    left join themes on themes.theme = by_theme.theme
    left join prior_counts
        on prior_counts.shop_id = by_theme.shop_id
        and prior_counts.product_id is not distinct from by_theme.product_id
        and prior_counts.sku_code = by_theme.sku_code
        and prior_counts.week_start = by_theme.week_start
        and prior_counts.theme = by_theme.theme
    left join prior_comments
        on prior_comments.shop_id = by_theme.shop_id
        and prior_comments.product_id is not distinct from by_theme.product_id
        and prior_comments.sku_code = by_theme.sku_code
        and prior_comments.week_start = by_theme.week_start
),

shared as (
    select
        *,
        after_sale_count / commented_count as share_of_comments,
        return_count / nullif(sku_return_count, 0) as share_of_returns,
        prior_after_sale_count / prior_weeks as prior_average_count,
        coalesce(prior_after_sale_count / nullif(prior_commented_count, 0), 0) as prior_share_of_comments
    from measured
),

final as (
    select
        shop_id,
        product_id,
        product_name,
        sku_code,
        category,
        week,
        week_start,
        theme,
        theme_order,
        after_sale_count,
        return_count,
        returned_units,
        commented_count,
        sku_return_count,
        share_of_comments,
        share_of_returns,
        prior_weeks,
        prior_after_sale_count,
        prior_commented_count,
        prior_average_count,
        prior_share_of_comments,
        after_sale_count - prior_average_count as count_increase,
        share_of_comments - prior_share_of_comments as share_increase,
        (
            after_sale_count - prior_average_count >= min_count_increase - 1e-9
            and share_of_comments - prior_share_of_comments >= min_share_increase - 1e-9
        ) as is_growing
    from shared
)

select * from final order by shop_id, sku_code, product_id, week_start, theme_order;
