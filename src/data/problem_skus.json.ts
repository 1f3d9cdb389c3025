// The problem-SKU ranking of marts.problem_skus.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("problem_skus");
