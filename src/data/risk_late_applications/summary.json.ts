// Late applications counted by shop, week, category and channel.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("late_applications_summary");
