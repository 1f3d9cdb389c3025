-- marts.return_rates_daily: shop, cohort date and province name are always known; a row has a
-- reason group exactly when it counts returns, and then also a reason text.
with mart as (
    select * from marts.return_rates_daily
),

final as (
    select *
    from mart
    where shop_id is null
        or cohort_date is null
        or province_name is null
        or ((reason_group is null) <> (returned_orders = 0))
        or ((reason is null) <> (reason_group is null))
)

select * from final;
