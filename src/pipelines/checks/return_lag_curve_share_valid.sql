-- marts.return_lag_curve: F within [0, 1], non-decreasing in lag_day, 1 at the horizon.
with curve as (
    select * from marts.return_lag_curve
),

final as (
    select *
    from (
        select
            *,
            lag(cumulative_share) over (partition by shop_id, category order by lag_day) as previous_share,
            max(lag_day) over () as horizon_day
        from curve
    )
    where cumulative_share < 0 or cumulative_share > 1
        or cumulative_share < previous_share
        or (lag_day = horizon_day and curve_returned_units > 0 and cumulative_share <> 1)
)

select * from final;
