-- Before int_buyer_lines is updated: the buyers its changed rows were counted under. int_buyers
-- recounts these, and the buyers the rows are under now (added by incremental/int_buyers.sql).
create or replace temp table changed_buyers as
select distinct shop_id, buyer_key, city, district
from intermediate.int_buyer_lines
where order_item_id in (select order_item_id from changed_lines);
