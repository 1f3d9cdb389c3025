-- Return parcels per shop (marts.return_parcels): in transit and stuck (in transit more than
-- stuck_parcel_days) as of the shop's latest data, how many of those became stuck in the report
-- week (退货发货时间 + stuck_parcel_days within it), and the 退货异常 that are new in the week (the
-- export has no time for the flag: a parcel counts in the week its return was shipped, or applied
-- for when it has no 退货发货时间). Shops without return parcels are left out.
with parcels as (
    select * from marts.return_parcels where $shop = '' or shop_id = $shop
),

shop_as_of as (
    select * from intermediate.int_shop_as_of
),

settings as (
    select max(value) filter (where parameter = 'stuck_parcel_days') as stuck_parcel_days
    from marts.cost_assumptions
    where area = 'risk'
),

bounds as (
    select $week_start::date as week_start, $week_start::date + 7 as next_week_start
)

select
    parcels.shop_id,
    strftime(max(shop_as_of.as_of_at), '%Y-%m-%d %H:%M') as as_of_at,
    max(settings.stuck_parcel_days) as stuck_parcel_days,
    count(*) filter (where parcels.is_in_transit)::bigint as in_transit_count,
    count(*) filter (where parcels.is_stuck)::bigint as stuck_count,
    count(*) filter (
        where parcels.is_stuck
            and parcels.stuck_since_at >= bounds.week_start and parcels.stuck_since_at < bounds.next_week_start
    )::bigint as stuck_in_week_count,
    count(*) filter (
        where parcels.has_return_exception
            and coalesce(parcels.return_shipped_at, parcels.applied_at) >= bounds.week_start
            and coalesce(parcels.return_shipped_at, parcels.applied_at) < bounds.next_week_start
    )::bigint as exception_in_week_count
from parcels
inner join shop_as_of on shop_as_of.shop_id = parcels.shop_id
cross join settings
cross join bounds
group by parcels.shop_id
order by parcels.shop_id
