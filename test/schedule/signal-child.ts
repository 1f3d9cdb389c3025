// Run by cycle.test.ts in a child process: one ingest → refresh cycle over an inbox, with the real
// SIGINT/SIGTERM handlers of the CLI. When the Nth file starts loading, the process sends itself
// SIGTERM, as systemd does on `systemctl stop`. It must finish (or roll back) that file, skip the
// rest, record the run as interrupted, release the lock and exit 0.
import {defaultConfig} from "../../src/pipelines/config.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {stopOnSignals} from "../../src/pipelines/schedule/command.js";
import {runCycle} from "../../src/pipelines/schedule/cycle.js";

const [warehouse, inbox, nth] = process.argv.slice(2);
const config = {...defaultConfig(), warehouse: warehouse!, inbox: inbox!};
const logger = memoryLogger();
const controller = new AbortController();
stopOnSignals(controller, logger);
const started = new Set<string>();
const result = await runCycle(config, {
  trigger: "schedule",
  busy: "skip",
  logger,
  signal: controller.signal,
  build: "never",
  siteOut: "unused",
  onProgress: (file) => {
    if (started.has(file.path)) return;
    started.add(file.path);
    if (started.size === Number(nth)) process.kill(process.pid, "SIGTERM");
  },
});
process.stdout.write(JSON.stringify({status: result.status, message: result.message, log: logger.lines}));
