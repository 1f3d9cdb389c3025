-- The score bands in force (marts.cost_assumptions, area 'platform'): per metric and band, the
-- inclusive upper bound (NULL: none) and the score (NULL: not given by the source).
with bands as (
    select
        split_part(key, ':', 1) as metric,
        split_part(key, ':', 2)::integer as band,
        max(value) filter (where parameter = 'band_upper_bound') as upper_bound,
        max(value) filter (where parameter = 'band_score') as score
    from marts.cost_assumptions
    where area = 'platform' and parameter in ('band_upper_bound', 'band_score')
    group by all
)

select metric, band, upper_bound::double as upper_bound, score::double as score
from bands
order by metric, band
