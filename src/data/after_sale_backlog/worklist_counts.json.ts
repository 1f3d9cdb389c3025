// Open, non-stale after-sales counted by shop, status, reason group and deadline state.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("backlog_worklist_counts");
