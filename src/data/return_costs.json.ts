// Weekly return costs of marts.return_costs; null while the warehouse has no such table.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("return_costs", {optionalTable: "marts.return_costs"});
