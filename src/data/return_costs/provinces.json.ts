// Return costs by cohort week, shop, category, channel and province, for the regions page.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("return_costs_provinces", {optionalTable: "marts.return_costs", columnar: true});
