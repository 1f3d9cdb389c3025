// Comment themes by application week, shop, category and product, for the reasons page's theme × product table.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("sku_comment_themes_products", {columnar: true});
