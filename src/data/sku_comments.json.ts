// The latest buyer comments (用户售后说明, masked) of each SKU, for the products page.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("sku_comments");
