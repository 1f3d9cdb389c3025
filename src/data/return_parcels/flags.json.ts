// Return parcels with a 退货异常 or a shared waybill (salted key only), 500 at most (shops taking turns).
import {emitQuery} from "../../pipelines/site/loader.js";

await emitQuery("return_parcels_flags");
