// Each SKU's weekly return rate and spike test: marts.sku_weekly.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("sku_weekly", {columnar: true});
