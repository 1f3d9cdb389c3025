// Returned units by reason (and the shipped units they divide) per cohort week, for the reasons page.
// In a folder named after the mart it reads (src/data/<mart>/<slice>.json.ts): the page slices of one mart.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("reasons", {columnar: true});
