// The themes of the comments the products page lists (by SKU and comment_rank; no text, no 售后单号).
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("sku_comment_themes_comments", {columnar: true});
