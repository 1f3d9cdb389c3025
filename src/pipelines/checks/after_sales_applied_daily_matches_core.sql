-- marts.after_sales_applied_daily: per shop and day, as many after-sales as core.after_sales
-- holds with that application day.
with mart as (
    select * from marts.after_sales_applied_daily
),

after_sales as (
    select * from core.after_sales
),

mart_days as (
    select shop_id, applied_date, sum(after_sale_count) as after_sale_count
    from mart
    group by all
),

core_days as (
    select shop_id, applied_at::date as applied_date, count(*) as after_sale_count
    from after_sales
    where applied_at is not null
    group by all
),

final as (
    select
        coalesce(mart_days.shop_id, core_days.shop_id) as shop_id,
        coalesce(mart_days.applied_date, core_days.applied_date) as applied_date,
        mart_days.after_sale_count,
        core_days.after_sale_count as core_after_sale_count
    from mart_days
    full join core_days
        on core_days.shop_id = mart_days.shop_id and core_days.applied_date = mart_days.applied_date
    where mart_days.after_sale_count is distinct from core_days.after_sale_count
)

select * from final;
