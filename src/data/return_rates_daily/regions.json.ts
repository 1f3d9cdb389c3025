// Shipped and returned units by province per cohort week, for the regions page.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("regions", {columnar: true});
