// Run by failures.test.ts in a child process: ingests an inbox and kills itself with SIGKILL in the
// middle of the Nth file (after its staging rows are written, before commit), like a power cut.
import {defaultConfig} from "../../src/pipelines/config.js";
import {ingest} from "../../src/pipelines/ingest/ingest.js";
import {silentLogger} from "../../src/pipelines/logger.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";

const [warehousePath, inbox, nth] = process.argv.slice(2);
const config = {...defaultConfig(), warehouse: warehousePath!, inbox: inbox!};
const warehouse = await Warehouse.open(config.warehouse);
let files = 0;
await ingest(warehouse, {
  config,
  logger: silentLogger,
  fault: (step) => {
    if (step === "after-raw") files++;
    if (step === "after-staging" && files === Number(nth)) process.kill(process.pid, "SIGKILL");
  },
});
warehouse.close();
