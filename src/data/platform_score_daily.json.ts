// Daily 商品品质退货率 / 发货物流品退率 estimates per shop, the last 180 days.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("platform_score_daily");
