// Open after-sales counted by shop, category, channel, status, age and deadline state.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("backlog_summary");
