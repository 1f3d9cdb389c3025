-- marts.cohort_maturity: keys and completion present, forecast between settled returns and shipped
-- units, interval around the forecast, is_mature agreeing with the threshold.
with mart as (
    select * from marts.cohort_maturity
),

final as (
    select *
    from mart
    where shop_id is null or cohort_date is null or completion_share is null
        or forecast_returned_units is null
        or completion_share not between 0 and 1
        or forecast_returned_units < returned_units - open_returned_units - 1e-9
        or forecast_returned_units > shipped_units + 1e-9
        or not (forecast_low_units <= forecast_returned_units + 1e-9
            and forecast_returned_units <= forecast_high_units + 1e-9)
        or is_mature is distinct from (
            completion_share >= coalesce(
                (select value from meta.settings where key = 'maturity_threshold'), '0.95'
            )::double
        )
)

select * from final;
