// As-of time and last load per shop, for the 售后时效 page.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("backlog_snapshot");
