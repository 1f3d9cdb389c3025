// Maturity and forecast of marts.cohort_maturity by cohort week, for every shop / category filter.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("cohort_maturity");
