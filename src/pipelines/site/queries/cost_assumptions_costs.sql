-- The cost assumptions in force (marts.cost_assumptions, area costs), printed beside the figures of
-- the costs page: per-parcel freight rates (key * and by province), who pays return freight, the
-- unit-cost share of price, the unsellable rates (key * and by reason group) and the handling cost.
-- Grain: one row per (parameter, key).
with assumptions as (
    select * from marts.cost_assumptions where area = 'costs'
),

final as (
    select parameter, key, value, text_value, unit, source, tag, note from assumptions
)

select * from final order by parameter, key;
