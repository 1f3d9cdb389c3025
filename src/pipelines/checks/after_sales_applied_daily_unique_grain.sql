-- marts.after_sales_applied_daily: one row per grain (NULL is a value of the grain).
with mart as (
    select * from marts.after_sales_applied_daily
),

final as (
    select
        shop_id, applied_date, after_sale_type, after_sale_status_group, reason_group, reason,
        product_id, sku_code, size, color, category, province_code, province_name, city,
        traffic_source, app_channel, traffic_type, traffic_format, influencer_name,
        count(*) as row_count
    from mart
    group by all
    having count(*) > 1
)

select * from final;
