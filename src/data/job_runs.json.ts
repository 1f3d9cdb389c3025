// The latest runs of Returnscope's jobs (meta.job_runs), for the 售后时效 page.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("job_runs", {optionalTable: "meta.job_runs"});
