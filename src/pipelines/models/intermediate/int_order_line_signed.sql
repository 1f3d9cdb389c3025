-- When each shipped 子订单 was signed for (签收), estimated: exports carry no 签收 time, so it is the
-- earlier of 订单完成时间 (which comes at or after 签收) and 发货时间 + sign_delay_days
-- (marts.cost_assumptions, area 'platform'). An estimate that is too late hides late applications,
-- one too early shows false ones: signed_at_source says which time it came from.
-- Grain: one row per order_item_id of a shipped 子订单.
-- A view: each row is a function of its 子订单 alone, so a table of it (10M rows, 5 columns) cost a
-- rebuild 4 s of writing and a load the replacement of its touched rows, to save readers a scan of
-- core.order_lines they mostly make anyway. Readers filter it (their @scope lines) as they would
-- the table.
create or replace view intermediate.int_order_line_signed as
with order_lines as (
    select * from core.order_lines
),

settings as (
    select max(value) filter (where parameter = 'sign_delay_days') as sign_delay_days
    from marts.cost_assumptions
    where area = 'platform'
),

final as (
    select
        order_lines.order_item_id,
        order_lines.shop_id,
        order_lines.order_id,
        least(
            order_lines.completed_at,
            order_lines.shipped_at + to_milliseconds((settings.sign_delay_days * 86400000)::bigint)
        ) as signed_at_estimate,
        case
            when order_lines.shipped_at is null then '订单完成时间'
            when order_lines.completed_at is null then '发货时间+N天'
            when order_lines.completed_at
                < order_lines.shipped_at + to_milliseconds((settings.sign_delay_days * 86400000)::bigint)
                then '订单完成时间'
            else '发货时间+N天'
        end as signed_at_source
    from order_lines
    cross join settings
    where order_lines.is_shipped
)

select * from final;
