// Weekly cohort facts of marts.return_rates_daily for the overview (query: site/queries).
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("return_rates_daily", {columnar: true});
