// Return waybills on several after-sales, the 500 most suspicious (shops taking turns).
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("risk_shared_tracking");
