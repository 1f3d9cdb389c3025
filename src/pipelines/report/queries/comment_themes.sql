-- Themes of buyer comments that grew in the report week: the week the buyers applied (售后申请时间),
-- against the weeks before (marts.sku_comment_themes, is_growing; rule in marts.cost_assumptions,
-- area 'comments'). Grain: one row per (shop_id, product_id, sku_code, theme).
select
    shop_id,
    sku_code,
    product_id,
    product_name,
    theme,
    after_sale_count::bigint as after_sale_count,
    commented_count::bigint as commented_count,
    share_of_comments::double as share_of_comments,
    prior_average_count::double as prior_average_count,
    prior_share_of_comments::double as prior_share_of_comments,
    share_increase::double as share_increase
from marts.sku_comment_themes
where week_start = $week_start::date and is_growing and ($shop = '' or shop_id = $shop)
order by share_increase desc, after_sale_count desc, shop_id, sku_code, product_id, theme_order
