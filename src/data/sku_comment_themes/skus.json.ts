// Each SKU's comment themes over all loaded weeks, for the products page (marts.sku_comment_themes).
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("sku_comment_themes_skus", {columnar: true});
