// Return costs by cohort week, shop, category, channel and reason group, for the costs page;
// null while the warehouse has no marts.return_costs.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("return_costs_reasons", {optionalTable: "marts.return_costs", columnar: true});
