// 品质退货 appeal candidates counted by shop, week, category and channel.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("appeal_candidates_summary");
