/**
 * The independent cross-check: the unit return rate by size, by reason group and by province,
 * computed straight from the fixture's export files in plain TypeScript (own CSV parser, the
 * definitions of docs/metrics.md re-stated here, small hand-written lookup tables instead of the
 * project's normalizers), compared with what the metric query returns from the marts.
 */
import {readFile, readdir} from "node:fs/promises";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {queryMetric} from "../../src/pipelines/metrics/query.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {fixtureWarehouse} from "./fixture.js";

/** RFC 4180 records of a CSV text, as objects keyed by the header row. */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || record.length) records.push([...record, cell]);
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries((header ?? []).map((h, i) => [h, row[i] ?? ""])));
}

const empty = (value: string | undefined) => value === undefined || value === "" || value === "-";

/** The fixture's 省 spellings → the GB/T 2260 full names (typed in by hand). */
const PROVINCES: Record<string, string> = {
  广东省: "广东省",
  广东: "广东省",
  浙江: "浙江省",
  浙江省: "浙江省",
  江苏省: "江苏省",
  江苏: "江苏省",
  新疆维吾尔自治区: "新疆维吾尔自治区",
  北京市: "北京市",
  内蒙: "内蒙古自治区",
  上海: "上海市",
};

/** The fixture's reason texts → reason groups (domain.md §6.2, typed in by hand). */
const REASON_GROUPS: Record<string, string> = {
  "大小／尺寸／重量与商品描述不符": "尺码",
  "做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）": "质量问题",
  七天无理由退货: "七天无理由",
  商家发错货: "错发漏发",
  快递一直未送达: "物流",
  "多拍 / 错拍 / 不想要": "七天无理由",
  其他: "协商其他",
};

/** 商品规格 "颜色:黑色;尺码:S" or "白色;L" → the size. */
const sizeOf = (spec: string) => (spec.split(/[;；]/).pop() ?? "").replace(/^尺码[:：]/, "");

interface Tally {
  returned: number;
  shipped: number;
}

async function independentRates(inbox: string): Promise<{
  bySize: Record<string, Tally>;
  byReasonGroup: Record<string, Tally>;
  byProvince: Record<string, Tally>;
}> {
  const orders: Record<string, string>[] = [];
  const afterSales: Record<string, string>[] = [];
  for (const shop of await readdir(inbox)) {
    for (const name of await readdir(join(inbox, shop))) {
      const rows = parseCsv(await readFile(join(inbox, shop, name), "utf8"));
      if (name.startsWith("订单导出")) orders.push(...rows);
      if (name.startsWith("售后单导出")) afterSales.push(...rows);
    }
  }
  // Shipped: a 发货时间, or 订单状态 已发货 / 已完成.
  const shipped = (o: Record<string, string>) =>
    !empty(o["发货时间"]) || o["订单状态"] === "已发货" || o["订单状态"] === "已完成";
  // Effective: 退货退款 or 已发货仅退款, latest status not closed/failed/rejected/cancelled.
  const effective = (a: Record<string, string>) =>
    (a["售后类型"] === "退货退款" || a["售后类型"] === "已发货仅退款") &&
    !/关闭|失败|拒绝|驳回|取消|撤销|撤回/.test(a["售后状态"] ?? "");
  // Earliest effective after-sale per 子订单: by 售后申请时间, then 售后单号.
  const first = new Map<string, Record<string, string>>();
  for (const a of afterSales.filter(effective)) {
    const line = a["商品单号"] as string;
    const current = first.get(line);
    const key = (x: Record<string, string>) => `${x["售后申请时间"]}|${x["售后单号"]?.padStart(20, "0")}`;
    if (!current || key(a) < key(current)) first.set(line, a);
  }

  const bySize: Record<string, Tally> = {};
  const byReasonGroup: Record<string, Tally> = {};
  const byProvince: Record<string, Tally> = {};
  const add = (table: Record<string, Tally>, key: string, returned: number, units: number) => {
    const t = (table[key] ??= {returned: 0, shipped: 0});
    t.returned += returned;
    t.shipped += units;
  };
  let allShipped = 0;
  for (const o of orders) {
    const units = Number(o["商品数量"]);
    const province = PROVINCES[o["省"] as string] ?? "未知";
    if (!shipped(o)) {
      add(byProvince, province, 0, 0);
      continue;
    }
    allShipped += units;
    const returnedBy = first.get(o["子订单编号"] as string);
    const returned = returnedBy ? units : 0;
    add(bySize, sizeOf(o["商品规格"] ?? ""), returned, units);
    add(byProvince, province, returned, units);
    if (returnedBy) add(byReasonGroup, REASON_GROUPS[returnedBy["售后原因"] as string] ?? "未知", units, 0);
  }
  // By reason: the denominator is every shipped unit.
  for (const t of Object.values(byReasonGroup)) t.shipped = allShipped;
  return {bySize, byReasonGroup, byProvince};
}

let warehouse: Warehouse;
let inbox: string;
let cleanup: () => Promise<void>;
let expected: Awaited<ReturnType<typeof independentRates>>;

beforeAll(async () => {
  ({warehouse, inbox, cleanup} = await fixtureWarehouse());
  expected = await independentRates(inbox);
});
afterAll(async () => {
  warehouse.close();
  await cleanup();
});

async function actual(
  dimension: string,
  key: string,
): Promise<Record<string, Tally & {rate: number | null}>> {
  const rows = await queryMetric(warehouse, {metric: "unit-return-rate", by: [dimension]});
  return Object.fromEntries(
    rows.map((r) => [
      String(r[key]),
      {returned: Number(r.returned_units), shipped: Number(r.shipped_units), rate: r.rate as number | null},
    ]),
  );
}

function withRates(table: Record<string, Tally>): Record<string, Tally & {rate: number | null}> {
  return Object.fromEntries(
    Object.entries(table).map(([k, t]) => [k, {...t, rate: t.shipped ? t.returned / t.shipped : null}]),
  );
}

describe("unit return rate: marts vs. an independent computation from the export files", () => {
  it("by size", async () => {
    expect(await actual("size", "size")).toEqual(withRates(expected.bySize));
  });

  it("by reason group", async () => {
    expect(await actual("reason_group", "reason_group")).toEqual(withRates(expected.byReasonGroup));
  });

  it("by province", async () => {
    expect(await actual("province", "province")).toEqual(withRates(expected.byProvince));
  });

  it("is not vacuous", () => {
    expect(Object.keys(expected.bySize).sort()).toEqual(["L", "M", "S", "XL"]);
    expect(Object.keys(expected.byReasonGroup).length).toBe(4);
    expect(Object.keys(expected.byProvince).length).toBe(7);
  });
});
