// Late applications, at most 500 (shops taking turns).
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("late_applications_list");
