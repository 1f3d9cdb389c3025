// Flagged buyers (hashed keys only), at most 500 (shops taking turns).
import {emitQuery} from "../pipelines/site/loader.js";

await emitQuery("risk_buyers");
