// Return parcels in transit longer than the stuck threshold, the 500 oldest (shops taking turns).
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("return_parcels_stuck");
