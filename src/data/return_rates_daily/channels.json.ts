// Shipped and returned units by 流量来源, 流量体裁, APP渠道 and 达人 per cohort week, for the channels page.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("channels", {columnar: true});
