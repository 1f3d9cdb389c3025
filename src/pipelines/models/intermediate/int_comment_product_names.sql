-- The name of each product on the comment-theme pages: the one most of its after-sales carry
-- (intermediate.int_after_sale_comment_facts.product_name_seen; ties to the first in sort order).
-- Grain: one row per (shop_id, product_id) with a name seen. Its own table, so that after a load
-- int_after_sale_comment_themes rewrites only the rows whose name this vote changed.
create or replace table intermediate.int_comment_product_names as
with facts as (
    select * from intermediate.int_after_sale_comment_facts
),

final as (
    select shop_id, product_id, product_name_seen as product_name
    from facts
    where product_name_seen is not null
    group by shop_id, product_id, product_name_seen
    qualify row_number() over (
        partition by shop_id, product_id order by count(*) desc, product_name_seen
    ) = 1
)

select * from final;
