// The cost assumptions in force (marts.cost_assumptions, area costs), printed on the costs page.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("cost_assumptions_costs", {optionalTable: "marts.cost_assumptions"});
