// Runs small / runs large verdicts: marts.product_size_verdicts.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("product_size_verdicts");
