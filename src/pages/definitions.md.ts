// Page loader: the 口径 page from docs/metrics.md (src/pipelines/site/definitions.ts).
import {PROJECT_ROOT} from "../pipelines/site/build.js";
import {definitionsPage} from "../pipelines/site/definitions.js";

process.stdout.write(await definitionsPage(PROJECT_ROOT));
