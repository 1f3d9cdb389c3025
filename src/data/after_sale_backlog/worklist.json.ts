// The 售后工作台 list: open, non-stale after-sales, soonest deadline first, 4,000 at most.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("backlog_worklist", {columnar: true});
