-- marts.cohort_maturity: one row per (shop_id, category, cohort_date).
with mart as (
    select * from marts.cohort_maturity
),

final as (
    select shop_id, category, cohort_date, count(*) as row_count
    from mart
    group by all
    having count(*) > 1
)

select * from final;
