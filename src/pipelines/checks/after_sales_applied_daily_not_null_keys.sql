-- marts.after_sales_applied_daily: shop, day, type, status group and reasons are always filled
-- (unknown values are bucketed, not NULL), and every row counts at least one after-sale.
with mart as (
    select * from marts.after_sales_applied_daily
),

final as (
    select *
    from mart
    where shop_id is null
        or applied_date is null
        or after_sale_type is null
        or after_sale_status_group is null
        or reason_group is null
        or reason is null
        or province_name is null
        or after_sale_count is null
        or after_sale_count < 1
)

select * from final;
