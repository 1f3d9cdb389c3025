// Overdue and due-within-24h after-sales, the 500 most urgent (shops taking turns).
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("backlog_urgent");
