-- Our ESTIMATES of three 商家体验分 metrics (domain.md §3.1), as the platform would show them on
-- each day: 近30天 rolling windows ending that day, read against the configured score bands. The
-- platform computes them from data we do not have (签收 time, its own reason tags); these follow
-- its published sentences as closely as the exports allow and are labelled estimates.
-- Grain: one row per (shop_id, date, metric), every day from the shop's first counted event (the
-- first day any of the three has a count) to its as-of date (as in after_sale_backlog.sql: the
-- latest event time in the shop's data).
--
-- Orders are 主订单 (订单号). Parameters: marts.cost_assumptions, area 'platform'.
-- product_quality_return_rate 商品品质退货率 = 近30天物流签收订单中因商品品质原因产生的订单数 ÷
--     近30日物流签收订单量. 签收 is not exported: a 子订单 counts as signed at the earlier of
--     订单完成时间 and 发货时间 + sign_delay_days (订单完成 comes at or after 签收); a 主订单 at its
--     first signed 子订单. Numerator: those 主订单 with an effective after-sale (退货退款 or
--     已发货仅退款, not closed, failed, rejected or cancelled; unknown status counts) whose reason
--     is 商品品质: tagged （商品品质原因）, or untagged and in a quality_reason_group.
-- logistics_quality_return_rate 发货物流品退率 = 近30天支付订单中首次因物流品质原因售后的订单数 ÷
--     近30天支付订单数. Paid 主订单 by payment date (the cohort date of its first paid 子订单);
--     numerator: those whose first after-sale (earliest 售后申请时间, any type, not closed, failed,
--     rejected or cancelled) is 物流品质: tagged （物流品质原因）, or untagged and in a
--     logistics_reason_group.
-- after_sale_review_hours 售后平均审核时长 = 近30天退款成功售后单的售后审核总时长 ÷ 近30天退款成功售后单数:
--     succeeded after-sales with a refund (商家退款时间, else 用户到账时间) in the window, review time
--     同意售后申请时间 − 售后申请时间 in hours; after-sales without an approval time are left out.
-- numerator is a count of 主订单 (of hours for the review time), denominator a count of 主订单 (of
-- after-sales); value = numerator ÷ denominator, NULL when the denominator is 0. band is the first
-- band whose upper bound the value does not exceed; low_volume when the denominator is below
-- min_orders (the platform shows no score then).
create or replace table marts.platform_score_daily as
with after_sales as (
    select * from core.after_sales
),

assumptions as (
    select * from marts.cost_assumptions where area = 'platform'
),

settings as (
    select
        max(value) filter (where parameter = 'window_days')::integer as window_days,
        max(value) filter (where parameter = 'min_orders') as min_orders
    from assumptions
),

bands as (
    select
        split_part(key, ':', 1) as metric,
        split_part(key, ':', 2)::integer as band,
        max(value) filter (where parameter = 'band_upper_bound') as upper_bound,
        max(value) filter (where parameter = 'band_score') as score
    from assumptions
    where parameter in ('band_upper_bound', 'band_score')
    group by all
),

-- 主订单 facts (intermediate/int_platform_orders.sql), summed by day here.
orders as (
    select * from intermediate.int_platform_orders
),

daily as (
    select
        shop_id,
        signed_date as date,
        'product_quality_return_rate' as metric,
        (count(*) filter (where is_product_quality_return))::double as numerator,
        count(*) as denominator
    from orders
    where signed_date is not null
    group by all
    union all
    select
        shop_id,
        paid_date as date,
        'logistics_quality_return_rate' as metric,
        (count(*) filter (where first_is_logistics_quality))::double as numerator,
        count(*) as denominator
    from orders
    where paid_date is not null
    group by all
    union all
    select
        shop_id,
        coalesce(refunded_at, refund_arrived_at)::date as date,
        'after_sale_review_hours' as metric,
        sum(date_diff('second', applied_at, approved_at) / 3600) as numerator,
        count(*) as denominator
    from after_sales
    where after_sale_status_group = 'succeeded'
        and after_sale_type in ('退货退款', '已发货仅退款', '未发货仅退款')
        and coalesce(refunded_at, refund_arrived_at) is not null
        and approved_at >= applied_at
    group by all
),

shop_days as (
    select
        shop_as_of.shop_id,
        first_days.first_date,
        shop_as_of.as_of_at::date as as_of_date
    from intermediate.int_shop_as_of as shop_as_of
    inner join (select shop_id, min(date) as first_date from daily group by shop_id) as first_days
        on first_days.shop_id = shop_as_of.shop_id
),

metrics as (
    select *
    from (
        values
            ('product_quality_return_rate', '商品品质退货率', 'ratio'),
            ('logistics_quality_return_rate', '发货物流品退率', 'ratio'),
            ('after_sale_review_hours', '售后平均审核时长', 'hours')
    ) as metrics (metric, metric_label, unit)
),

spine as (
    select shop_id, unnest(generate_series(first_date, as_of_date, interval 1 day))::date as date, first_date
    from shop_days
),

windowed as (
    select
        spine.shop_id,
        spine.date,
        metrics.metric,
        metrics.metric_label,
        metrics.unit,
        spine.date - (settings.window_days - 1) as window_start,
        spine.date - spine.first_date >= settings.window_days - 1 as is_full_window,
        coalesce(sum(daily.numerator), 0) as numerator,
        coalesce(sum(daily.denominator), 0)::bigint as denominator
    from spine
    cross join metrics
    cross join settings
    left join daily
        on daily.shop_id = spine.shop_id
        and daily.metric = metrics.metric
        and daily.date between spine.date - (settings.window_days - 1) and spine.date
    group by all
),

valued as (
    select
        *,
        case when denominator > 0 then numerator / denominator end as value
    from windowed
),

final as (
    select
        valued.shop_id,
        valued.date,
        valued.metric,
        valued.metric_label,
        true as is_estimate,
        valued.unit,
        valued.window_start,
        valued.is_full_window,
        valued.numerator,
        valued.denominator,
        valued.value,
        bands.band,
        bands.score as band_score,
        bands.upper_bound as band_upper_bound,
        valued.denominator < settings.min_orders as low_volume
    from valued
    cross join settings
    left join bands
        on bands.metric = valued.metric
        and valued.value is not null
        and (bands.upper_bound is null or valued.value <= bands.upper_bound)
    qualify row_number() over (
        partition by valued.shop_id, valued.date, valued.metric order by bands.band nulls last
    ) = 1
)

select * from final order by shop_id, date, metric;
