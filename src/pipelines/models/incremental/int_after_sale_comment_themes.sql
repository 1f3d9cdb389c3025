-- Before int_after_sale_comment_themes is updated: the touched after-sales (their facts were
-- updated in place), and every after-sale of a product whose voted name
-- (intermediate.int_comment_product_names, rebuilt before) is not the name its row carries.
create or replace temp table comment_themes_scope as
select after_sale_id from changed_after_sales
union
select themes.after_sale_id
from intermediate.int_after_sale_comment_themes as themes
left join intermediate.int_comment_product_names as product_names
    on product_names.shop_id = themes.shop_id
    and product_names.product_id is not distinct from themes.product_id
where themes.product_name is distinct from product_names.product_name;
