// Why each SKU comes back: marts.sku_reasons.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("sku_reasons", {columnar: true});
