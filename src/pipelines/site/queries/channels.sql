-- The channels page: marts.return_rates_daily summed to order-cohort week by shop, category, channel
-- (流量来源, the page filter) and one of four dimensions: dimension names it (traffic_source 流量来源,
-- traffic_format 流量体裁, app_channel APP渠道, influencer 达人昵称) and value holds it (NULL: unknown,
-- or for influencer: no 达人). Every measure is additive within one dimension.
-- Grain: one row per (week_start, shop_id, category, channel, dimension, value).
with daily as (
    select * from marts.return_rates_daily
),

as_of as (
    select max(cohort_date) as last_cohort_date from daily
),

base as (
    select
        date_trunc('week', cohort_date)::date as week_start,
        shop_id,
        category,
        traffic_source,
        traffic_format,
        app_channel,
        influencer_name,
        sum(shipped_units)::double as shipped_units,
        sum(returned_units)::double as returned_units
    from daily
    group by all
),

long as (
    select *, 'traffic_source' as dimension, traffic_source as value from base
    union all
    select *, 'traffic_format' as dimension, traffic_format as value from base
    union all
    select *, 'app_channel' as dimension, app_channel as value from base
    union all
    select *, 'influencer' as dimension, influencer_name as value from base
),

weekly as (
    select
        long.week_start,
        least(date_diff('day', long.week_start, as_of.last_cohort_date) + 1, 7)::integer as week_days,
        long.shop_id,
        long.category,
        long.traffic_source as channel,
        long.dimension,
        long.value,
        sum(long.shipped_units) as shipped_units,
        sum(long.returned_units) as returned_units
    from long
    cross join as_of
    group by all
),

final as (
    select
        strftime(week_start, '%Y-%m-%d') as week_start,
        strftime(week_start, '%G-W%V') as week,
        week_days,
        shop_id,
        category,
        channel,
        dimension,
        value,
        shipped_units,
        returned_units
    from weekly
)

select * from final order by all;
