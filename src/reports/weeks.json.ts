// The latest complete weeks with their headline figures, for the list of weekly reports.
import {emitReportIndex} from "../pipelines/report/site.js";

await emitReportIndex();
