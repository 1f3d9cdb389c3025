-- The platform and risk assumptions in force (marts.cost_assumptions): score bands, the 签收
-- stand-in, the handling target and the risk thresholds the pages state beside their figures.
-- Grain: one row per (area, parameter, key).
with assumptions as (
    select * from marts.cost_assumptions where area in ('platform', 'risk')
),

final as (
    select area, parameter, key, value, text_value, unit, source, tag, note from assumptions
)

select * from final order by area, parameter, key;
