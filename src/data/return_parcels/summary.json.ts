// Return parcels in transit, stuck or flagged, counted by shop, category, channel, carrier and province.
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("return_parcels_summary", {columnar: true});
