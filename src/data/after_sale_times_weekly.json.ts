// Weekly review and refund times per shop and type, the last 52 weeks.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("after_sale_times_weekly");
