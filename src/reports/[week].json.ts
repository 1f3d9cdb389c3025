// One week's report (src/pipelines/report): the HTML the page shows, and the data behind it.
// Parameterized: Framework runs it as `[week].json.ts --week=2026-W47` for each page in dynamicPaths.
import {emitReportWeek} from "../pipelines/report/site.js";

await emitReportWeek();
