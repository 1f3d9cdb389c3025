// Return transit times (p50, p90) and parcel counts by carrier, per shop and for all shops.
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("return_parcel_carriers");
