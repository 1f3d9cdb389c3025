-- The report week's after-sales with a buyer comment (marts.sku_comment_weeks, by application
-- week) and the growth rule in force (marts.cost_assumptions, area 'comments'). One row.
with week as (
    select
        coalesce(sum(commented_count), 0)::bigint as commented_count,
        coalesce(sum(themed_count), 0)::bigint as themed_count
    from marts.sku_comment_weeks
    where week_start = $week_start::date and ($shop = '' or shop_id = $shop)
),

rule as (
    select
        max(value) filter (where parameter = 'growth_prior_weeks')::integer as prior_weeks,
        max(value) filter (where parameter = 'growth_min_count_increase')::double as min_count_increase,
        max(value) filter (where parameter = 'growth_min_share_increase')::double as min_share_increase
    from marts.cost_assumptions
    where area = 'comments'
)

select * from week, rule
