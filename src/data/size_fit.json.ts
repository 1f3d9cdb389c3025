// Return rate by size within each product: marts.size_fit.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("size_fit");
