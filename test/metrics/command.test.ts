/**
 * `returnscope metrics` in-process, on a small program of its own (cli.ts wires the command in
 * separately): --list, --help, JSON, CSV and table output, and the error for an unknown dimension.
 */
import {Command} from "commander";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {ConfigOverrides} from "../../src/pipelines/config.js";
import {registerMetricsCommand} from "../../src/pipelines/metrics/command.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";
import {testConfig} from "../helpers.js";
import {fixtureWarehouse} from "./fixture.js";

let dir: string;
let inbox: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const built = await fixtureWarehouse();
  ({dir, inbox, cleanup} = built);
  // The command opens the file itself; drop the marts so that opening it must rebuild them.
  await built.warehouse.run("drop schema marts cascade");
  built.warehouse.close();
});
afterAll(() => cleanup());

async function run(args: string[]): Promise<{out: string; err: string; error?: string}> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command("returnscope")
    .exitOverride()
    .configureOutput({writeOut: (s) => out.push(s.trimEnd()), writeErr: (s) => err.push(s.trimEnd())});
  const opened: string[] = [];
  registerMetricsCommand(program, {
    io: {out: (t) => out.push(t), err: (t) => err.push(t)},
    loadConfig: async (options: ConfigOverrides) =>
      testConfig(dir, inbox, options.warehouse ? {warehouse: options.warehouse} : {}),
    openFresh: async (config) => {
      opened.push(config.warehouse);
      const warehouse = await Warehouse.open(config.warehouse);
      await ensureFresh(warehouse, config);
      return warehouse;
    },
  });
  let error: string | undefined;
  try {
    await program.parseAsync(["node", "returnscope", "metrics", ...args]);
  } catch (e) {
    error = (e as Error).message;
  }
  return {out: out.join("\n"), err: err.join("\n"), ...(error !== undefined ? {error} : {})};
}

describe("returnscope metrics", () => {
  it("--list prints every metric with its Chinese and English description", async () => {
    const {out, error} = await run(["--list"]);
    expect(error).toBeUndefined();
    for (const name of [
      "unit-return-rate  件数退货率 / Unit return rate",
      "order-return-rate  子订单退货率 / Order return rate",
      "return-refund-rate  退货退款率",
      "shipped-refund-only-rate  已发货仅退款率",
      "exchange-rate  换货率",
      "pre-shipment-refund-rate  发货前退款率",
      "after-sales-applied  售后申请量",
    ])
      expect(out).toContain(name);
    expect(out).toContain("= returned_units ÷ shipped_units");
    expect(out).toContain("Units of shipped 子订单 with an effective after-sale");
    const json = JSON.parse((await run(["--list", "--format", "json"])).out);
    expect(json.map((m: {name: string}) => m.name)).toEqual([
      "unit-return-rate",
      "order-return-rate",
      "return-refund-rate",
      "shipped-refund-only-rate",
      "exchange-rate",
      "pre-shipment-refund-rate",
      "after-sales-applied",
      "forecast-return-rate",
    ]);
  });

  it("--help describes the options, the dimensions and the metrics", async () => {
    const {out, error} = await run(["--help"]);
    expect(error).toBe("(outputHelp)");
    expect(out).toContain("Usage: returnscope metrics [options] [name]");
    for (const text of [
      "--by <dims>",
      "--shop <id>",
      "--from <date>",
      "--to <date>",
      "--format <format>",
      "--list",
      "--min-volume <n>",
      "--warehouse <file>",
      "channel = 流量来源",
      "week, month, shop, reason_group, reason, product, sku, size, color, category, province, city, channel, influencer",
    ])
      expect(out).toContain(text);
  });

  it("prints JSON rows with dimension values, counts, rate and low_volume", async () => {
    const {out, error} = await run([
      "unit-return-rate",
      "--by",
      "shop,size",
      "--format",
      "json",
      "--min-volume",
      "4",
    ]);
    expect(error).toBeUndefined();
    // alpha: L 0/8, M 3/4, S 4/4 (see rates.test.ts); beta: XL 1/1.
    expect(JSON.parse(out)).toEqual([
      {shop: "alpha", size: "L", returned_units: 0, shipped_units: 8, rate: 0, low_volume: false},
      {shop: "alpha", size: "M", returned_units: 3, shipped_units: 4, rate: 0.75, low_volume: false},
      {shop: "alpha", size: "S", returned_units: 4, shipped_units: 4, rate: 1, low_volume: false},
      {shop: "beta", size: "XL", returned_units: 1, shipped_units: 1, rate: 1, low_volume: true},
    ]);
  });

  it("prints CSV with a header row and RFC 4180 quoting", async () => {
    const {out, error} = await run([
      "order-return-rate",
      "--by",
      "reason",
      "--by",
      "influencer",
      "--shop",
      "alpha",
      "--from",
      "2026-11-01",
      "--to",
      "2026-11-30",
      "--format",
      "csv",
    ]);
    expect(error).toBeUndefined();
    // alpha, November: 8 shipped 子订单 in total for each influencer group: 甜甜的穿搭号 L1, L2, L6;
    // 一起穿搭的小鹿 L10; none L3, L5, L7, L9.
    expect(out.split("\r\n")).toEqual([
      "reason,influencer,returned_orders,shipped_orders,rate,low_volume",
      "七天无理由退货,甜甜的穿搭号,1,3,0.3333333333333333,true",
      "做工粗糙/有瑕疵/破损或污渍,甜甜的穿搭号,1,3,0.3333333333333333,true",
      "做工粗糙/有瑕疵/破损或污渍,,1,4,0.25,true",
      "大小/尺寸/重量与商品描述不符,甜甜的穿搭号,1,3,0.3333333333333333,true",
      "快递一直未送达,,1,4,0.25,true",
    ]);
  });

  it("prints a table by default, rates as percentages, and the low-volume note", async () => {
    const {out, error} = await run(["pre-shipment-refund-rate", "--by", "shop"]);
    expect(error).toBeUndefined();
    expect(out).toMatch(/shop\s+unshipped_refund_only_orders\s+paid_orders\s+rate\s+low_volume/);
    expect(out).toMatch(/alpha\s+1\s+11\s+9\.09%\s+低量 low/);
    expect(out).toContain("低量 low: paid_orders < 30 (flagged, not hidden)");
  });

  it("fails on an unknown dimension with the list of valid ones, before opening the warehouse", async () => {
    const {error, out} = await run(["unit-return-rate", "--by", "colour"]);
    expect(error).toBe(
      'unknown dimension "colour"; valid: week, month, shop, reason_group, reason, product, sku, size, color, category, province, city, channel, influencer, format, app, traffic_type',
    );
    expect(out).toBe("");
    expect((await run(["unit-return-rate", "--from", "2026-11-31"])).error).toBe(
      '--from must be a date YYYY-MM-DD: "2026-11-31"',
    );
    expect((await run([])).error).toBe(
      "name a metric (or use --list); valid: unit-return-rate, order-return-rate, return-refund-rate, shipped-refund-only-rate, exchange-rate, pre-shipment-refund-rate, after-sales-applied, forecast-return-rate",
    );
    expect((await run(["unit-return-rate", "--format", "xml"])).error).toContain(
      "Allowed choices are table, csv, json",
    );
  });
});
