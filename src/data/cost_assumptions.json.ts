// The platform and risk assumptions in force (bands, 签收 stand-in, thresholds).
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("cost_assumptions");
