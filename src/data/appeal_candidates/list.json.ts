// 品质退货 appeal candidates with masked comments, at most 500 (shops taking turns).
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("appeal_candidates_list");
