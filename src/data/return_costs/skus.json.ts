// Return costs by cohort week, shop, category, channel and SKU (each shop's top 100), for the costs page.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("return_costs_skus", {optionalTable: "marts.return_costs"});
