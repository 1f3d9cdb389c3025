#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx returnscope` works right after `npm ci`.
import {register} from "tsx/esm/api";

register();
const {main} = await import("../src/pipelines/cli.ts");
process.exitCode = await main(process.argv);
