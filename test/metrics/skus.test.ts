/**
 * Problem SKUs and sizes: marts.problem_skus, sku_reasons, sku_weekly, size_fit and
 * product_size_verdicts (definitions: docs/metrics.md §8).
 *
 * First on a hand-made fixture, built below as a list of 子订单 and written as the platform's
 * exports. Every expected value is recomputed here in plain TypeScript from that list (no SQL), and
 * the key ones are also worked out by hand in the comments. Then on the demo sample, where the
 * planted stories (defective SKUs, a dress that runs small) must surface.
 *
 * Shop gamma (SKU master: categories), all 子订单 shipped unless said otherwise:
 *   DR 法式连衣裙 连衣裙 ¥199, sizes S M L XL (one SKU each), paid 2026-10-20 (W43):
 *     DR-BK-S  60 units, 30 returned as 15 子订单 × 2: 10 尺码 (8 comments say small, 1 only its
 *              售后原因标签 尺码偏小, 1 says nothing), 3 七天无理由, 2 质量问题; plus an unshipped 子订单
 *              with an open return (left out everywhere)
 *     DR-BK-M  60, 24 returned (12 × 2): 7 尺码 (5 small, one of them with a later 七天无理由
 *              after-sale too, 1 large, 1 mixed "腰偏大，胸偏小"), 5 七天无理由 (one says 色差太大:
 *              not a size word)
 *     DR-BK-L  60, 9 returned (3 × 2 + 3 × 1): 尺码 small, 尺码 no direction, 尺码 large (宽松), 3 七天无理由
 *     DR-BK-XL 60, 6 returned (3 × 2): 尺码 large, 七天无理由 saying 小了 (a size return by keyword),
 *              质量问题
 *   TS 纯棉T恤 T恤 ¥59, sizes S M L, paid W43: 200 units each, 50 / 40 / 30 returned in 子订单 of 5
 *     units; size returns lean both ways (9 small, 10 large); a closed after-sale saying 偏大 on an
 *     unreturned 子订单 does not count
 *   TQ 印花T恤 T恤 ¥79, one SKU TQ-BK-M, paid 2026-10-27 (W44): 3 sold, 2 returned — the 3-sales-
 *     2-returns SKU; its second return was applied on 2026-11-25, the latest in the shop (as-of)
 *   SP 连帽卫衣 卫衣 ¥129, one SKU SP-GY-M, 40 units a week in W41–W46, returned within 14 days:
 *     4, 4 (+1 later), 4, 4, 16, 2 (W46 not 14 days old by 11-25) — the spike is W45
 *   NS 羊毛围巾, a 子订单 without 商家编码 (in size_fit, in no SKU mart)
 * Shop delta (no SKU master): DL 中筒袜, one SKU DL-GY-F: 6 units, 1 returned.
 *
 * problem_skus by hand (prior strength κ; posterior Beta(mκ + y, (1 − m)κ + n − y)):
 *   DR, product level (4 SKUs, 240 units): m = 69/240 = 0.2875.
 *     Σ n(p − m)² = 60 × (0.2125² + 0.1125² + 0.1375² + 0.1875²) = 6.7125; m(1 − m) = 0.20484375
 *     ρ = (6.7125/0.20484375 − 3) / (240 − 4 × 60²/240 − 3) = 29.769/177 = 0.1682 → 1/ρ − 1 = 4.95
 *     → κ = 20 (the floor).
 *     DR-BK-S: (30 + 0.2875 × 20)/(60 + 20) = 35.75/80 = 0.446875; baseline = the other DR SKUs'
 *     rate 39/180; excess = 30 − 60 × 39/180 = 17 units; refunds 15 × 2 × 199 = 5970.00, of which
 *     the excess 5970 × 17/30 = 3383.00.
 *     DR-BK-M: 29.75/80 = 0.371875; baseline 45/180 = 0.25; excess 24 − 15 = 9.
 *   TS, product level: m = 120/600 = 0.2; Σ n(p − m)² = 200 × 0.05² × 2 = 1; m(1 − m) = 0.16
 *     ρ = (1/0.16 − 2)/(600 − 3 × 200²/600 − 2) = 4.25/398 → κ = 398/4.25 − 1 = 92.647.
 *     TS-WH-S: (50 + 0.2 × 92.647)/(200 + 92.647) = 68.529/292.647 = 0.23417; excess = 50 − 200 × 70/400 = 15.
 *   TQ: its product is thin (1 SKU) → category T恤 (TS's 3 SKUs and TQ: 4 SKUs, 603 units):
 *     m = 122/603 = 0.20232, κ = 54.5 → (2 + 11.03)/(3 + 54.5) = 0.2266: the highest raw rate
 *     (2/3) but far from the top of the list.
 *   SP: product and category 卫衣 thin (1 SKU) → the shop: 9 SKUs, m = 226/1083, κ = 20 (floor).
 *   DL-GY-F: the shop delta has 1 SKU: κ = 20, m = its own rate, no baseline (no other units).
 * Ranking by interval_low: DR-BK-S first (≈ 0.356), then DR-BK-M, TS-WH-S.
 */
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {runChecks} from "../../src/pipelines/metrics/checks.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import {generateSample, type SampleTruth} from "../../src/pipelines/sample/generate.js";
import {readModel, type Row, type Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {AFTER_SALE_HEADERS, runIngest, tempDir, testConfig} from "../helpers.js";
import {ORDER_HEADERS, SKU_MASTER_HEADERS} from "./fixture.js";

/** The models of this part, in build order (until they are in MART_MODELS; rebuilding is harmless). */
const SKU_MODELS = [
  "intermediate/int_size_keywords.sql",
  "marts/sku_weekly.sql",
  "marts/sku_reasons.sql",
  "marts/problem_skus.sql",
  "marts/size_fit.sql",
  "marts/product_size_verdicts.sql",
];

async function buildSkuMarts(warehouse: Warehouse): Promise<void> {
  await refreshMarts(warehouse);
  for (const model of SKU_MODELS) await warehouse.run(await readModel(model));
}

// ---------------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------------

const SIZE_REASON = "大小／尺寸／重量与商品描述不符";
const NO_REASON = "七天无理由退货";
const QUALITY_REASON = "做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）";

type ShopId = "gamma" | "delta";
type Leaning = "small" | "large" | "mixed" | "none";

interface ProductSpec {
  id: string;
  name: string;
  /** From the SKU master; null when the shop has none (or the 子订单 has no 商家编码). */
  category: string | null;
  price: number;
  colour: string;
}

const PRODUCTS = {
  DR: {id: "3600000000000000001", name: "法式连衣裙", category: "连衣裙", price: 199, colour: "黑色"},
  TS: {id: "3600000000000000002", name: "纯棉T恤", category: "T恤", price: 59, colour: "白色"},
  TQ: {id: "3600000000000000003", name: "印花T恤", category: "T恤", price: 79, colour: "黑色"},
  SP: {id: "3600000000000000004", name: "连帽卫衣", category: "卫衣", price: 129, colour: "灰色"},
  NS: {id: "3600000000000000005", name: "羊毛围巾", category: null, price: 99, colour: "驼色"},
  DL: {id: "3600000000000000006", name: "中筒袜", category: null, price: 19, colour: "灰色"},
} satisfies Record<string, ProductSpec>;
type ProductKey = keyof typeof PRODUCTS;

interface Sale {
  reason: string;
  comment?: string;
  label?: string;
  type?: string;
  status?: string;
  /** Applied this many days after payment (default 5), or at this moment. */
  days?: number;
  appliedAt?: string;
  /** By hand: a size return leaning this way; undefined when it is not a size return. */
  leaning?: Leaning;
}

interface Line {
  n: number;
  shop: ShopId;
  product: ProductKey;
  sku: string | null;
  size: string;
  paidAt: string;
  quantity: number;
  shipped: boolean;
  sales: Sale[];
}

const FIXTURE: Line[] = [];
function line(
  shop: ShopId,
  product: ProductKey,
  sku: string | null,
  size: string,
  paidAt: string,
  quantity: number,
  sales: Sale[] = [],
  shipped = true,
): void {
  FIXTURE.push({n: FIXTURE.length + 1, shop, product, sku, size, paidAt, quantity, shipped, sales});
}
const times = (count: number, fn: () => void) => {
  for (let i = 0; i < count; i++) fn();
};
const sizeReturn = (comment: string, leaning: Leaning, extra: Partial<Sale> = {}): Sale => ({
  reason: SIZE_REASON,
  comment,
  leaning,
  ...extra,
});
const noReason = (comment = "-", extra: Partial<Sale> = {}): Sale => ({reason: NO_REASON, comment, ...extra});
const quality = (comment = "-", extra: Partial<Sale> = {}): Sale => ({
  reason: QUALITY_REASON,
  comment,
  ...extra,
});

const W41 = "2026-10-06 10:00:00";
const W42 = "2026-10-13 10:00:00";
const W43 = "2026-10-20 10:00:00";
const W44 = "2026-10-27 10:00:00";
const W45 = "2026-11-03 10:00:00";
const W46 = "2026-11-10 10:00:00";
const AS_OF = "2026-11-25 10:00:00";

// DR: runs small.
const dr = (size: string, quantity: number, ...sales: Sale[]) =>
  line("gamma", "DR", `DR-BK-${size}`, size, W43, quantity, sales);
dr("S", 30);
for (const comment of [
  "偏小",
  "偏小",
  "偏小",
  "太紧了，穿不上",
  "小了一码",
  "偏小，建议拍大一码",
  "腰围太小",
  "有点紧",
])
  dr("S", 2, sizeReturn(comment, "small"));
dr("S", 2, sizeReturn("-", "small", {label: "尺码偏小"}));
dr("S", 2, sizeReturn("-", "none"));
times(3, () => dr("S", 2, noReason("不喜欢")));
times(2, () => dr("S", 2, quality("有线头")));
line("gamma", "DR", "DR-BK-S", "S", W43, 1, [sizeReturn("偏小", "small", {status: "待商家处理"})], false);
dr("M", 36);
dr("M", 2, sizeReturn("偏小", "small"), noReason("不想要了", {days: 8}));
for (const comment of ["偏小", "穿不进去", "拉链拉不上", "码数偏小"])
  dr("M", 2, sizeReturn(comment, "small"));
dr("M", 2, sizeReturn("偏大", "large"));
dr("M", 2, sizeReturn("腰偏大，胸偏小", "mixed"));
dr("M", 2, noReason("色差太大"));
for (const comment of ["不想要了", "-", "-", "买多了"]) dr("M", 2, noReason(comment));
dr("L", 51);
dr("L", 2, sizeReturn("有点紧", "small"));
dr("L", 2, sizeReturn("尺码不合适", "none"));
dr("L", 2, sizeReturn("宽松", "large"));
times(3, () => dr("L", 1, noReason()));
dr("XL", 54);
dr("XL", 2, sizeReturn("偏大", "large"));
dr("XL", 2, noReason("小了", {leaning: "small"}));
dr("XL", 2, quality());

// TS: true to size.
const ts = (size: string, quantity: number, ...sales: Sale[]) =>
  line("gamma", "TS", `TS-WH-${size}`, size, W43, quantity, sales);
const TS_SIZE_RETURNS: Record<string, [string, Leaning][]> = {
  S: [
    ["偏小", "small"],
    ["偏小", "small"],
    ["太小了", "small"],
    ["有点紧", "small"],
    ["偏大", "large"],
    ["偏大", "large"],
    ["太大了", "large"],
    ["宽松", "large"],
  ],
  M: [
    ["偏小", "small"],
    ["偏小", "small"],
    ["穿不上", "small"],
    ["偏大", "large"],
    ["偏大", "large"],
    ["大了", "large"],
    ["-", "none"],
  ],
  L: [
    ["偏小", "small"],
    ["紧了", "small"],
    ["偏大", "large"],
    ["松垮", "large"],
    ["建议拍小一码", "large"],
    ["尺码不合适", "none"],
  ],
};
ts("S", 150);
ts("M", 160);
ts("L", 170, sizeReturn("偏大", "none", {status: "售后关闭", leaning: undefined}));
for (const [size, returns] of Object.entries(TS_SIZE_RETURNS))
  for (const [comment, leaning] of returns) ts(size, 5, sizeReturn(comment, leaning));
times(2, () => ts("S", 5, quality("开线了")));
ts("M", 5, noReason());

// TQ: 3 sold, 2 returned; the second return is the shop's latest application.
line("gamma", "TQ", "TQ-BK-M", "M", W44, 1);
line("gamma", "TQ", "TQ-BK-M", "M", W44, 1, [noReason()]);
line("gamma", "TQ", "TQ-BK-M", "M", W44, 1, [noReason("-", {appliedAt: AS_OF})]);

// SP: a quality spike in W45.
const sp = (paidAt: string, quantity: number, ...sales: Sale[]) =>
  line("gamma", "SP", "SP-GY-M", "M", paidAt, quantity, sales);
for (const week of [W41, W42, W43, W44]) {
  sp(week, week === W42 ? 35 : 36);
  times(4, () => sp(week, 1, quality("起球")));
}
sp(W42, 1, quality("起球", {days: 20}));
sp(W45, 24);
times(4, () => sp(W45, 4, quality("起球")));
sp(W46, 38);
times(2, () => sp(W46, 1, quality("起球")));

// NS: no 商家编码.
line("gamma", "NS", null, "均码", W43, 2);

// Shop delta.
line("delta", "DL", "DL-GY-F", "均码", W43, 5);
line("delta", "DL", "DL-GY-F", "均码", W43, 1, [noReason("-", {days: 3})]);

// --- Writing the exports -----------------------------------------------------------------------

const DAY_MS = 86_400_000;
const parseTime = (text: string) => Date.parse(`${text.replace(" ", "T")}Z`);
const formatTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
const addDays = (text: string, days: number) => formatTime(parseTime(text) + days * DAY_MS);
const appliedAt = (l: Line, sale: Sale) => sale.appliedAt ?? addDays(l.paidAt, sale.days ?? 5);
const refundOf = (l: Line) => (PRODUCTS[l.product].price * l.quantity).toFixed(2);
const orderId = (n: number) => `69200000000000${String(n).padStart(5, "0")}`;
const itemId = (n: number) => `69210000000000${String(n).padStart(5, "0")}`;

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
function csv(headers: readonly string[], records: Record<string, string>[]): string {
  for (const record of records)
    for (const key of Object.keys(record))
      if (!headers.includes(key)) throw new Error(`unknown header ${key}`);
  const rows = [headers, ...records.map((r) => headers.map((h) => r[h] ?? "-"))];
  return rows.map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

function exportsOf(shop: ShopId): Record<string, string> {
  const lines = FIXTURE.filter((l) => l.shop === shop);
  const orders = lines.map((l) => {
    const product = PRODUCTS[l.product];
    return {
      主订单编号: orderId(l.n),
      子订单编号: itemId(l.n),
      选购商品: product.name,
      商品ID: product.id,
      商家编码: l.sku ?? "-",
      商品规格: `颜色:${product.colour};尺码:${l.size}`,
      商品数量: String(l.quantity),
      商品金额: product.price.toFixed(2),
      订单提交时间: addDays(l.paidAt, -1 / 1440),
      支付完成时间: l.paidAt,
      订单状态: l.shipped ? "已完成" : "待发货",
      发货时间: l.shipped ? addDays(l.paidAt, 1) : "-",
      省: "广东省",
      市: "广州市",
    };
  });
  let saleNo = 0;
  const afterSales = lines.flatMap((l) =>
    l.sales.map((sale) => ({
      售后单号: `70200000000${String(shop === "gamma" ? 1 : 2)}${String(l.n).padStart(5, "0")}${++saleNo % 10}`,
      订单号: orderId(l.n),
      商品单号: itemId(l.n),
      商品ID: PRODUCTS[l.product].id,
      商品名称: PRODUCTS[l.product].name,
      商品发货状态: "已发货",
      售后类型: sale.type ?? "退货退款",
      售后状态: sale.status ?? "同意退款，退款成功",
      售后申请时间: appliedAt(l, sale),
      售后原因: sale.reason,
      售后原因标签: sale.label ?? "-",
      用户售后说明: sale.comment ?? "-",
      "退商品金额（元）": refundOf(l),
    })),
  );
  const files: Record<string, string> = {
    "订单导出_20261126.csv": csv(ORDER_HEADERS, orders),
    "售后单导出_20261126.csv": csv(AFTER_SALE_HEADERS, afterSales),
  };
  if (shop === "gamma") {
    const skus = new Map(lines.filter((l) => l.sku).map((l) => [l.sku as string, l]));
    const master = [...skus.values()].map((l) => {
      const product = PRODUCTS[l.product];
      return {
        商家编码: l.sku as string,
        商品ID: product.id,
        款号: l.product,
        颜色: product.colour,
        尺码: l.size,
        品类: product.category ?? "-",
        成本价: "30.00",
      };
    });
    files["商品档案.csv"] = csv(SKU_MASTER_HEADERS, master);
  }
  return files;
}

async function fixtureWarehouse(): Promise<{warehouse: Warehouse; cleanup: () => Promise<void>}> {
  const {dir, cleanup} = await tempDir();
  const inbox = join(dir, "inbox");
  for (const shop of ["gamma", "delta"] as const) {
    await mkdir(join(inbox, shop), {recursive: true});
    for (const [name, text] of Object.entries(exportsOf(shop)))
      await writeFile(join(inbox, shop, name), text);
  }
  const {warehouse, summary} = await runIngest(testConfig(dir, inbox));
  if (summary.failed > 0 || summary.files.some((f) => f.rows_rejected > 0))
    throw new Error(`fixture did not load cleanly: ${JSON.stringify(summary.files)}`);
  await buildSkuMarts(warehouse);
  return {warehouse, cleanup};
}

// ---------------------------------------------------------------------------------------------
// The independent computation (plain TypeScript over FIXTURE)
// ---------------------------------------------------------------------------------------------

const EFFECTIVE_TYPES = new Set(["退货退款", "已发货仅退款"]);
const CLOSED_STATUSES = new Set(["售后关闭", "售后失败", "商家拒绝退货申请", "买家撤销"]);
const isEffective = (sale: Sale) =>
  EFFECTIVE_TYPES.has(sale.type ?? "退货退款") && !CLOSED_STATUSES.has(sale.status ?? "");

/** The earliest effective after-sale of a shipped 子订单, if it was returned. */
function attributed(l: Line): Sale | undefined {
  if (!l.shipped) return undefined;
  return l.sales
    .filter(isEffective)
    .sort((a, b) => parseTime(appliedAt(l, a)) - parseTime(appliedAt(l, b)))[0];
}

const SETTINGS = {minLevelSkus: 3, minLevelUnits: 100, minStrength: 20, maxStrength: 1000};

interface ExpectedSku {
  shop: ShopId;
  sku: string;
  product: ProductKey;
  category: string | null;
  n: number;
  y: number;
  refund: number;
  level?: "product" | "category" | "shop";
  m?: number;
  kappa?: number;
  shrunk?: number;
  low?: number;
  high?: number;
  baseline?: number | null;
  excess?: number | null;
  rank?: number;
}

function expectedSkus(): ExpectedSku[] {
  const bySku = new Map<string, ExpectedSku>();
  for (const l of FIXTURE) {
    if (!l.shipped || l.sku === null) continue;
    const key = `${l.shop}|${l.sku}`;
    const product = PRODUCTS[l.product];
    const sku = bySku.get(key) ?? {
      shop: l.shop,
      sku: l.sku,
      product: l.product,
      category: l.shop === "gamma" ? product.category : null,
      n: 0,
      y: 0,
      refund: 0,
    };
    sku.n += l.quantity;
    if (attributed(l)) {
      sku.y += l.quantity;
      sku.refund += Number(refundOf(l));
    }
    bySku.set(key, sku);
  }
  const skus = [...bySku.values()];
  const levelKey = (s: ExpectedSku, level: string) =>
    level === "product"
      ? `${s.shop}|p|${s.product}`
      : level === "category"
        ? s.category && `${s.shop}|c|${s.category}`
        : `${s.shop}|s`;
  const fit = (members: ExpectedSku[]) => {
    const N = members.reduce((t, s) => t + s.n, 0);
    const Y = members.reduce((t, s) => t + s.y, 0);
    const k = members.length;
    const m = Math.min(Math.max(Y / N, 0.5 / N), 1 - 0.5 / N);
    const squares = members.reduce((t, s) => t + s.n * (s.y / s.n - m) ** 2, 0);
    const n2 = members.reduce((t, s) => t + s.n * s.n, 0);
    const rho = (squares / (m * (1 - m)) - (k - 1)) / (N - n2 / N - (k - 1));
    let kappa: number = SETTINGS.minStrength;
    if (k >= SETTINGS.minLevelSkus && Number.isFinite(rho)) {
      const raw = rho > 0 ? 1 / rho - 1 : Infinity;
      kappa = Math.max(SETTINGS.minStrength, Math.min(raw, SETTINGS.maxStrength, N));
    }
    return {N, Y, k, m, kappa};
  };
  for (const sku of skus) {
    for (const level of ["product", "category", "shop"] as const) {
      const key = levelKey(sku, level);
      if (!key) continue;
      const members = skus.filter((s) => levelKey(s, level) === key);
      const f = fit(members);
      if (level !== "shop" && (f.k < SETTINGS.minLevelSkus || f.N < SETTINGS.minLevelUnits)) continue;
      const alpha = f.m * f.kappa + sku.y;
      const beta = (1 - f.m) * f.kappa + sku.n - sku.y;
      sku.level = level;
      sku.m = f.m;
      sku.kappa = f.kappa;
      sku.shrunk = alpha / (alpha + beta);
      sku.low = betaQuantile(0.05, alpha, beta);
      sku.high = betaQuantile(0.95, alpha, beta);
      sku.baseline = f.N - sku.n > 0 ? (f.Y - sku.y) / (f.N - sku.n) : null;
      sku.excess = sku.baseline === null ? null : sku.y - sku.n * sku.baseline;
      break;
    }
  }
  for (const shop of ["gamma", "delta"]) {
    const ranked = skus
      .filter((s) => s.shop === shop)
      .sort((a, b) => b.low! - a.low! || b.shrunk! - a.shrunk! || (a.sku < b.sku ? -1 : 1));
    ranked.forEach((s, i) => (s.rank = i + 1));
  }
  return skus;
}

// Beta quantiles from the regularized incomplete beta function (continued fraction, Lentz), by
// bisection: a different method from the SQL's grid.
function logGamma(x: number): number {
  const g = [
    676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = 0.99999999999980993;
  const t = x + 7.5;
  g.forEach((c, i) => (a += c / (x + i + 1)));
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
function continuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    for (const numerator of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * continuedFraction(x, a, b)) / a
    : 1 - (front * continuedFraction(1 - x, b, a)) / b;
}
function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const isoWeek = (text: string) => {
  const date = new Date(parseTime(text.slice(0, 10) + " 00:00:00"));
  const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY_MS);
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / DAY_MS / 7) + 1;
  return {
    week: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`,
    monday: monday.getTime(),
  };
};

interface ExpectedWeek {
  shop: ShopId;
  sku: string;
  week: string;
  monday: number;
  n: number;
  y: number;
  y14: number;
  priorN: number;
  priorY14: number;
  z: number | null;
  status: string;
}

function expectedWeeks(): ExpectedWeek[] {
  const asOf = new Map<ShopId, number>();
  for (const l of FIXTURE)
    for (const sale of l.sales)
      asOf.set(l.shop, Math.max(asOf.get(l.shop) ?? 0, parseTime(appliedAt(l, sale))));
  const weeks = new Map<string, ExpectedWeek>();
  for (const l of FIXTURE) {
    if (!l.shipped || l.sku === null) continue;
    const {week, monday} = isoWeek(l.paidAt);
    const key = `${l.shop}|${l.sku}|${week}`;
    const w = weeks.get(key) ?? {
      ...{shop: l.shop, sku: l.sku, week, monday, n: 0, y: 0, y14: 0},
      ...{priorN: 0, priorY14: 0, z: null, status: ""},
    };
    w.n += l.quantity;
    const sale = attributed(l);
    if (sale) {
      w.y += l.quantity;
      if (parseTime(appliedAt(l, sale)) < parseTime(l.paidAt) + 14 * DAY_MS) w.y14 += l.quantity;
    }
    weeks.set(key, w);
  }
  const all = [...weeks.values()];
  for (const w of all) {
    const prior = all.filter(
      (p) =>
        p.shop === w.shop &&
        p.sku === w.sku &&
        p.monday >= w.monday - 28 * DAY_MS &&
        p.monday <= w.monday - 7 * DAY_MS,
    );
    w.priorN = prior.reduce((t, p) => t + p.n, 0);
    w.priorY14 = prior.reduce((t, p) => t + p.y14, 0);
    const pooled = (w.y14 + w.priorY14) / (w.n + w.priorN);
    if (w.priorN > 0 && pooled > 0 && pooled < 1)
      w.z =
        (w.y14 / w.n - w.priorY14 / w.priorN) / Math.sqrt(pooled * (1 - pooled) * (1 / w.n + 1 / w.priorN));
    const mature = w.monday + 21 * DAY_MS <= (asOf.get(w.shop) ?? -Infinity);
    w.status = !mature
      ? "immature"
      : w.n < 20 || w.priorN < 50
        ? "low_volume"
        : w.z !== null && w.z >= 3.09 && w.y14 >= 5
          ? "spike"
          : "normal";
  }
  return all;
}

interface ExpectedSize {
  shop: ShopId;
  product: ProductKey;
  size: string;
  n: number;
  y: number;
  sizeReturns: number;
  small: number;
  large: number;
  mixed: number;
  z: number | null;
  returnsMore: boolean;
}

function expectedSizes(): ExpectedSize[] {
  const sizes = new Map<string, ExpectedSize>();
  for (const l of FIXTURE) {
    if (!l.shipped) continue;
    const key = `${l.shop}|${l.product}|${l.size}`;
    const s = sizes.get(key) ?? {
      ...{shop: l.shop, product: l.product, size: l.size, n: 0, y: 0},
      ...{sizeReturns: 0, small: 0, large: 0, mixed: 0, z: null, returnsMore: false},
    };
    s.n += l.quantity;
    const sale = attributed(l);
    if (sale) {
      s.y += l.quantity;
      if (sale.leaning) s.sizeReturns++;
      if (sale.leaning === "small" || sale.leaning === "large" || sale.leaning === "mixed") s[sale.leaning]++;
    }
    sizes.set(key, s);
  }
  const all = [...sizes.values()];
  for (const s of all) {
    const others = all.filter((o) => o.shop === s.shop && o.product === s.product && o !== s);
    const n0 = others.reduce((t, o) => t + o.n, 0);
    const y0 = others.reduce((t, o) => t + o.y, 0);
    const pooled = (s.y + y0) / (s.n + n0);
    if (n0 > 0 && pooled > 0 && pooled < 1)
      s.z = (s.y / s.n - y0 / n0) / Math.sqrt(pooled * (1 - pooled) * (1 / s.n + 1 / n0));
    s.returnsMore = s.z !== null && s.z >= 1.96 && s.n >= 30 && n0 >= 30;
  }
  return all;
}

function expectedVerdict(shop: ShopId, product: ProductKey): string {
  const sizes = expectedSizes().filter((s) => s.shop === shop && s.product === product);
  const sizeReturns = sizes.reduce((t, s) => t + s.sizeReturns, 0);
  const small = sizes.reduce((t, s) => t + s.small, 0);
  const large = sizes.reduce((t, s) => t + s.large, 0);
  if (sizeReturns < 20 || small + large < 10) return "数据不足";
  const z = (small - large) / Math.sqrt(small + large);
  if (small / (small + large) >= 0.65 && z >= 1.96) return "偏小";
  if (large / (small + large) >= 0.65 && -z >= 1.96) return "偏大";
  return "正常";
}

// ---------------------------------------------------------------------------------------------
// Data checks shared by the fixture and the demo
// ---------------------------------------------------------------------------------------------

const GRAINS: Record<string, string[]> = {
  "marts.problem_skus": ["shop_id", "sku_code"],
  "marts.sku_reasons": ["shop_id", "sku_code", "reason_group", "reason"],
  "marts.sku_weekly": ["shop_id", "sku_code", "week"],
  "marts.size_fit": ["shop_id", "product_id", "size"],
  "marts.product_size_verdicts": ["shop_id", "product_id"],
};
const RATES: Record<string, string[]> = {
  "marts.problem_skus": [
    "return_rate",
    "prior_rate",
    "shrunk_rate",
    "interval_low",
    "interval_high",
    "baseline_rate",
    "top_reason_group_share",
  ],
  "marts.sku_reasons": ["share_of_returns", "return_rate", "group_share_of_returns", "group_return_rate"],
  "marts.sku_weekly": ["return_rate", "return_rate_by_day14", "prior_return_rate_by_day14"],
  "marts.size_fit": ["return_rate", "size_return_rate", "other_return_rate"],
  "marts.product_size_verdicts": [
    "return_rate",
    "size_return_rate",
    "small_share",
    "large_share",
    "smaller_sizes_return_rate",
    "larger_sizes_return_rate",
  ],
};

/** Each check is a query returning offending rows. */
function dataChecks(): Record<string, string> {
  const checks: Record<string, string> = {};
  for (const [table, grain] of Object.entries(GRAINS)) {
    const keys = grain.join(", ");
    checks[`${table} unique grain`] = `select ${keys}, count(*) as n from ${table} group by all having n > 1`;
    const notNull = grain.filter((k) => k !== "size" && k !== "reason_group");
    checks[`${table} keys not null`] =
      `select * from ${table} where ${notNull.map((k) => `${k} is null`).join(" or ")}`;
    checks[`${table} rates in [0, 1]`] =
      `select * from ${table} where ${(RATES[table] ?? []).map((r) => `not coalesce(${r} between 0 and 1, true)`).join(" or ")}`;
  }
  checks["shrunk rate between the raw rate and the prior mean"] = `
    select * from marts.problem_skus
    where shrunk_rate < least(return_rate, prior_rate) - 1e-12 or shrunk_rate > greatest(return_rate, prior_rate) + 1e-12`;
  checks["interval around the shrunk rate"] = `
    select * from marts.problem_skus where not (interval_low < shrunk_rate and shrunk_rate < interval_high)`;
  checks["prior strength within its bounds"] = `
    select * from marts.problem_skus where prior_strength < 20 or prior_strength > 1000`;
  checks["ranks 1..n per shop"] = `
    select shop_id from marts.problem_skus group by shop_id
    having min(rank) <> 1 or max(rank) <> count(*) or count(distinct rank) <> count(*)`;
  checks["reasons add up to the SKU's returns"] = `
    select skus.shop_id, skus.sku_code, skus.returned_units, reasons.units
    from marts.problem_skus as skus
    left join (
        select shop_id, sku_code, sum(returned_units) as units, sum(returned_orders) as orders
        from marts.sku_reasons group by all
    ) as reasons on reasons.shop_id = skus.shop_id and reasons.sku_code = skus.sku_code
    where coalesce(reasons.units, 0) <> skus.returned_units or coalesce(reasons.orders, 0) <> skus.returned_orders`;
  checks["weeks add up to the SKU's units"] = `
    select skus.shop_id, skus.sku_code
    from marts.problem_skus as skus
    full join (
        select shop_id, sku_code, sum(shipped_units) as shipped, sum(returned_units) as returned
        from marts.sku_weekly group by all
    ) as weeks on weeks.shop_id = skus.shop_id and weeks.sku_code = skus.sku_code
    where weeks.shipped is distinct from skus.shipped_units or weeks.returned is distinct from skus.returned_units`;
  checks["returns by day 14 within returns"] = `
    select * from marts.sku_weekly where returned_units_by_day14 > returned_units or returned_units > shipped_units`;
  checks["spike flag agrees with its status"] = `
    select * from marts.sku_weekly where is_spike <> (spike_status = 'spike')`;
  checks["sizes add up to the product"] = `
    select verdicts.shop_id, verdicts.product_id
    from marts.product_size_verdicts as verdicts
    inner join (
        select shop_id, product_id, sum(shipped_units) as shipped, sum(returned_units) as returned,
            sum(size_returned_orders) as size_returns
        from marts.size_fit group by all
    ) as sizes on sizes.shop_id = verdicts.shop_id and sizes.product_id = verdicts.product_id
    where sizes.shipped <> verdicts.shipped_units or sizes.returned <> verdicts.returned_units
        or sizes.size_returns <> verdicts.size_returned_orders`;
  checks["mentions within size returns"] = `
    select * from marts.size_fit
    where small_mention_orders + large_mention_orders + mixed_mention_orders > size_returned_orders
        or size_returned_orders > returned_orders or size_returned_units > returned_units`;
  checks["verdicts are known values"] = `
    select * from marts.product_size_verdicts where verdict not in ('偏小', '偏大', '正常', '数据不足')`;
  return checks;
}

async function failingChecks(warehouse: Warehouse): Promise<Record<string, Row[]>> {
  const failing: Record<string, Row[]> = {};
  for (const [name, sql] of Object.entries(dataChecks())) {
    const rows = await warehouse.all(`${sql} limit 5`);
    if (rows.length > 0) failing[name] = rows;
  }
  return failing;
}

// ---------------------------------------------------------------------------------------------
// Tests on the fixture
// ---------------------------------------------------------------------------------------------

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

describe("problem SKUs and sizes on the hand-made fixture", () => {
  let warehouse: Warehouse;
  let cleanup: () => Promise<void>;
  const table = (name: string, order = "all") =>
    warehouse.all(`select * from marts.${name} order by ${order}`);

  beforeAll(async () => {
    ({warehouse, cleanup} = await fixtureWarehouse());
  });
  afterAll(async () => {
    warehouse?.close();
    await cleanup?.();
  });

  it("passes every data check", async () => {
    expect(await failingChecks(warehouse)).toEqual({});
  });

  it("problem_skus agrees with the independent computation, row by row", async () => {
    const rows = await table("problem_skus", "shop_id, rank");
    const expected = expectedSkus().sort((a, b) =>
      a.shop < b.shop ? -1 : a.shop > b.shop ? 1 : a.rank! - b.rank!,
    );
    expect(rows.map((r) => [r.shop_id, r.sku_code, num(r.rank)])).toEqual(
      expected.map((e) => [e.shop, e.sku, e.rank]),
    );
    for (const [i, e] of expected.entries()) {
      const r = rows[i] as Row;
      const where = `${e.shop} ${e.sku}`;
      expect(num(r.shipped_units), where).toBe(e.n);
      expect(num(r.returned_units), where).toBe(e.y);
      expect(num(r.return_rate), where).toBeCloseTo(e.y / e.n, 12);
      expect(r.product_id, where).toBe(PRODUCTS[e.product].id);
      expect(r.category, where).toBe(e.category);
      expect(r.prior_level, where).toBe(e.level);
      expect(num(r.prior_rate), where).toBeCloseTo(e.m!, 12);
      expect(num(r.prior_strength), where).toBeCloseTo(e.kappa!, 9);
      expect(num(r.shrunk_rate), where).toBeCloseTo(e.shrunk!, 12);
      // The SQL integrates the posterior on a grid; 1e-5 is far finer than any rate is reported.
      expect(Math.abs(num(r.interval_low)! - e.low!), `${where} interval_low`).toBeLessThan(1e-5);
      expect(Math.abs(num(r.interval_high)! - e.high!), `${where} interval_high`).toBeLessThan(1e-5);
      if (e.baseline === null) expect(r.baseline_rate, where).toBeNull();
      else expect(num(r.baseline_rate), where).toBeCloseTo(e.baseline!, 12);
      if (e.excess === null) expect(r.excess_returned_units, where).toBeNull();
      else expect(num(r.excess_returned_units), where).toBeCloseTo(e.excess!, 9);
      expect(num(r.refund_amount), where).toBeCloseTo(e.refund, 2);
      const excessRefund =
        e.excess === null
          ? null
          : e.excess! <= 0
            ? 0
            : Math.round(((e.refund * e.excess!) / e.y) * 100) / 100;
      expect(num(r.excess_refund_amount), where).toBe(excessRefund);
    }
  });

  it("the hand-worked values", async () => {
    const rows = await table("problem_skus", "shop_id, rank");
    const bySku = (sku: string) => rows.find((r) => r.sku_code === sku) as Row;
    const drS = bySku("DR-BK-S");
    expect(drS).toMatchObject({rank: "1", prior_level: "product", prior_skus: "4", prior_units: "240"});
    expect(num(drS.prior_rate)).toBeCloseTo(0.2875, 12);
    expect(num(drS.prior_strength)).toBe(20);
    expect(num(drS.shrunk_rate)).toBeCloseTo(0.446875, 12);
    expect(num(drS.baseline_rate)).toBeCloseTo(39 / 180, 12);
    expect(num(drS.excess_returned_units)).toBeCloseTo(17, 9);
    expect(drS.refund_amount).toBe("5970.00");
    expect(drS.excess_refund_amount).toBe("3383.00");
    expect(num(drS.interval_low)).toBeCloseTo(0.356, 2);
    const drM = bySku("DR-BK-M");
    expect(num(drM.shrunk_rate)).toBeCloseTo(0.371875, 12);
    expect(num(drM.excess_returned_units)).toBeCloseTo(9, 9);
    expect(drM.excess_refund_amount).toBe("1791.00");
    const tsS = bySku("TS-WH-S");
    expect(num(tsS.prior_strength)).toBeCloseTo(398 / 4.25 - 1, 9);
    expect(num(tsS.shrunk_rate)).toBeCloseTo(0.23417, 5);
    expect(num(tsS.excess_returned_units)).toBeCloseTo(15, 9);
    expect(bySku("TQ-BK-M")).toMatchObject({prior_level: "category", prior_skus: "4", prior_units: "603"});
    expect(num(bySku("TQ-BK-M").prior_rate)).toBeCloseTo(122 / 603, 12);
    expect(bySku("SP-GY-M")).toMatchObject({
      prior_level: "shop",
      prior_skus: "9",
      latest_spike_week: "2026-W45",
    });
    expect(bySku("DR-BK-S").top_reason_group).toBe("尺码");
    const dl = bySku("DL-GY-F");
    expect(dl).toMatchObject({rank: "1", prior_level: "shop", prior_skus: "1", baseline_rate: null});
    expect(dl.excess_returned_units).toBeNull();
    expect(dl.excess_refund_amount).toBeNull();
    expect(num(dl.shrunk_rate)).toBeCloseTo(1 / 6, 12);
    // The 子订单 without 商家编码 and the unshipped one are in no SKU row.
    expect(rows.some((r) => r.sku_code === null)).toBe(false);
    expect(num(drS.shipped_units)).toBe(60);
  });

  it("a SKU with 3 sales and 2 returns does not top the list", async () => {
    const rows = (await table("problem_skus", "rank")).filter((r) => r.shop_id === "gamma");
    const byRaw = [...rows].sort((a, b) => num(b.return_rate)! - num(a.return_rate)!);
    expect(byRaw[0]?.sku_code).toBe("TQ-BK-M");
    const tq = rows.find((r) => r.sku_code === "TQ-BK-M") as Row;
    expect(num(tq.return_rate)).toBeCloseTo(2 / 3, 12);
    expect(num(tq.rank)).toBeGreaterThan(3);
    expect(tq.low_volume).toBe(true);
    expect(rows[0]?.sku_code).toBe("DR-BK-S");
  });

  it("sku_reasons: counts and shares of each reason", async () => {
    const rows = (await table("sku_reasons", "shop_id, sku_code, reason_rank")).filter(
      (r) => r.sku_code === "DR-BK-S" || r.sku_code === "DR-BK-M",
    );
    const pick = (r: Row) => ({
      sku: r.sku_code,
      group: r.reason_group,
      reason: r.reason,
      units: num(r.returned_units),
      orders: num(r.returned_orders),
      share: num(r.share_of_returns),
      rate: num(r.return_rate),
      rank: num(r.reason_rank),
      groupRank: num(r.group_rank),
    });
    // DR-BK-S: 10 尺码 子订单 × 2 = 20 of 30 returned units (2/3; 20 of 60 shipped), 3 × 2 七天无理由,
    // 2 × 2 质量问题. DR-BK-M: the 子订单 with a 尺码 and a later 七天无理由 after-sale counts as 尺码:
    // 7 × 2 = 14 尺码 and 5 × 2 = 10 七天无理由 of 24.
    expect(rows.map(pick)).toEqual([
      {
        sku: "DR-BK-M",
        group: "尺码",
        reason: "大小/尺寸/重量与商品描述不符",
        units: 14,
        orders: 7,
        share: 14 / 24,
        rate: 14 / 60,
        rank: 1,
        groupRank: 1,
      },
      {
        sku: "DR-BK-M",
        group: "七天无理由",
        reason: "七天无理由退货",
        units: 10,
        orders: 5,
        share: 10 / 24,
        rate: 10 / 60,
        rank: 2,
        groupRank: 2,
      },
      {
        sku: "DR-BK-S",
        group: "尺码",
        reason: "大小/尺寸/重量与商品描述不符",
        units: 20,
        orders: 10,
        share: 20 / 30,
        rate: 20 / 60,
        rank: 1,
        groupRank: 1,
      },
      {
        sku: "DR-BK-S",
        group: "七天无理由",
        reason: "七天无理由退货",
        units: 6,
        orders: 3,
        share: 6 / 30,
        rate: 6 / 60,
        rank: 2,
        groupRank: 2,
      },
      {
        sku: "DR-BK-S",
        group: "质量问题",
        reason: "做工粗糙/有瑕疵/破损或污渍",
        units: 4,
        orders: 2,
        share: 4 / 30,
        rate: 4 / 60,
        rank: 3,
        groupRank: 3,
      },
    ]);
  });

  it("sku_weekly agrees with the independent computation, and W45 of SP-GY-M is a spike", async () => {
    const rows = await table("sku_weekly", "shop_id, sku_code, week_start");
    const expected = expectedWeeks().sort((a, b) =>
      a.shop + a.sku < b.shop + b.sku ? -1 : a.shop + a.sku > b.shop + b.sku ? 1 : a.monday - b.monday,
    );
    expect(
      rows.map((r) => [
        r.shop_id,
        r.sku_code,
        r.week,
        num(r.shipped_units),
        num(r.returned_units),
        num(r.returned_units_by_day14),
        num(r.prior_shipped_units),
        num(r.prior_returned_units_by_day14),
        r.spike_status,
      ]),
    ).toEqual(expected.map((e) => [e.shop, e.sku, e.week, e.n, e.y, e.y14, e.priorN, e.priorY14, e.status]));
    for (const [i, e] of expected.entries()) {
      if (e.z === null) expect(rows[i]?.z_score).toBeNull();
      else expect(num(rows[i]?.z_score)).toBeCloseTo(e.z, 9);
    }
    // By hand: W45 returned 16 of 40 by day 14 against 16 of 160 in W41–W44; pooled 32/200 = 0.16;
    // z = (0.4 − 0.1) / √(0.16 × 0.84 × (1/40 + 1/160)) = 0.3 / 0.064807 = 4.629 ≥ 3.09.
    const sp = rows.filter((r) => r.sku_code === "SP-GY-M");
    expect(sp.map((r) => [r.week, r.spike_status, r.is_spike])).toEqual([
      ["2026-W41", "low_volume", false],
      ["2026-W42", "low_volume", false], // 40 prior units < 50
      ["2026-W43", "normal", false],
      ["2026-W44", "normal", false],
      ["2026-W45", "spike", true],
      ["2026-W46", "immature", false], // 11-09 + 7 + 14 days = 11-30, after the as-of 11-25
    ]);
    expect(num(sp[4]?.z_score)).toBeCloseTo(0.3 / Math.sqrt(0.16 * 0.84 * (1 / 40 + 1 / 160)), 12);
    expect(num(sp[4]?.z_score)).toBeCloseTo(4.629, 3);
    // W42: 5 returned so far, 4 of them within 14 days of payment.
    expect([num(sp[1]?.returned_units), num(sp[1]?.returned_units_by_day14)]).toEqual([5, 4]);
    // Shop delta's as-of is its own latest application (10-23): its W43 is not 14 days old yet.
    expect(rows.filter((r) => r.shop_id === "delta").map((r) => r.spike_status)).toEqual(["immature"]);
  });

  it("size_fit agrees with the hand classification of every return", async () => {
    const rows = await table("size_fit", "shop_id, product_id, size_sort, size");
    const productOf = (id: unknown) =>
      (Object.keys(PRODUCTS) as ProductKey[]).find((k) => PRODUCTS[k].id === id);
    const actual = rows.map((r) => ({
      shop: r.shop_id,
      product: productOf(r.product_id),
      size: r.size,
      n: num(r.shipped_units),
      y: num(r.returned_units),
      sizeReturns: num(r.size_returned_orders),
      small: num(r.small_mention_orders),
      large: num(r.large_mention_orders),
      mixed: num(r.mixed_mention_orders),
      returnsMore: r.returns_more,
    }));
    const expected = expectedSizes().map(({z: _z, ...rest}) => rest);
    expect(actual).toEqual(expect.arrayContaining(expected));
    expect(actual.length).toBe(expected.length);
    for (const e of expectedSizes()) {
      const r = rows.find(
        (row) => row.shop_id === e.shop && productOf(row.product_id) === e.product && row.size === e.size,
      );
      if (e.z === null) expect(r?.z_score).toBeNull();
      else expect(num(r?.z_score)).toBeCloseTo(e.z, 9);
    }
    // By hand, DR: S returns 30/60 against the other sizes' 39/180; pooled 69/240 = 0.2875;
    // z = (0.5 − 0.21667) / √(0.2875 × 0.7125 × (1/60 + 1/180)) = 0.28333/0.067466 = 4.20;
    // M: (0.4 − 0.25)/0.067466 = 2.22 — both return more; L and XL return less.
    const dr = rows.filter((r) => r.product_id === PRODUCTS.DR.id);
    expect(dr.map((r) => [r.size, r.returns_more])).toEqual([
      ["S", true],
      ["M", true],
      ["L", false],
      ["XL", false],
    ]);
    expect(num(dr[0]?.z_score)).toBeCloseTo(4.1996, 3);
    expect(num(dr[1]?.z_score)).toBeCloseTo(2.2233, 3);
    // DR size returns: S 10, M 7, L 3, XL 2 (one by the keyword 小了 on a 七天无理由 return).
    expect(dr.map((r) => num(r.size_returned_orders))).toEqual([10, 7, 3, 2]);
  });

  it("product_size_verdicts: 偏小, 正常 and 数据不足", async () => {
    const rows = await table("product_size_verdicts", "shop_id, product_id");
    const verdict = (product: ProductKey) => rows.find((r) => r.product_id === PRODUCTS[product].id) as Row;
    // DR: 22 size returns ≥ 20; leaning ones: 16 small (S 9, M 5, L 1, XL 1) and 3 large = 19 ≥ 10;
    // small share 16/19 = 0.842 ≥ 0.65; (16 − 3)/√19 = 2.98 ≥ 1.96 → 偏小.
    expect(verdict("DR")).toMatchObject({
      size_returned_orders: "22",
      small_mention_orders: "16",
      large_mention_orders: "3",
      mixed_mention_orders: "1",
      smaller_sizes: "S,M",
      larger_sizes: "L,XL",
      sizes_returning_more: "S,M",
      verdict: "偏小",
      verdict_en: "runs small",
    });
    expect(num(verdict("DR").small_share)).toBeCloseTo(16 / 19, 12);
    expect(num(verdict("DR").sign_z)).toBeCloseTo(13 / Math.sqrt(19), 12);
    expect(num(verdict("DR").smaller_sizes_return_rate)).toBeCloseTo(54 / 120, 12);
    expect(num(verdict("DR").larger_sizes_return_rate)).toBeCloseTo(15 / 120, 12);
    // TS: 21 size returns, 9 small and 10 large (the closed after-sale's 偏大 does not count):
    // large share 10/19 = 0.53 → 正常.
    expect(verdict("TS")).toMatchObject({
      size_returned_orders: "21",
      small_mention_orders: "9",
      large_mention_orders: "10",
      verdict: "正常",
      verdict_en: "true to size",
    });
    for (const product of ["TQ", "SP", "NS", "DL"] as const)
      expect(verdict(product).verdict, product).toBe("数据不足");
    for (const r of rows) {
      const product = (Object.keys(PRODUCTS) as ProductKey[]).find(
        (k) => PRODUCTS[k].id === r.product_id,
      ) as ProductKey;
      expect(r.verdict, product).toBe(expectedVerdict(r.shop_id as ShopId, product));
    }
  });

  it("the size keywords are plain text, in one table", async () => {
    const rows = await warehouse.all("select * from intermediate.int_size_keywords");
    expect(new Set(rows.map((r) => r.direction))).toEqual(new Set(["small", "large", "not_size"]));
    const keywords = rows.map((r) => String(r.keyword));
    expect(new Set(keywords).size).toBe(keywords.length);
    for (const keyword of keywords) expect(keyword).not.toMatch(/[\\^$.|?*+()[\]{}\s]/);
  });

  for (const name of Object.keys(GRAINS).map((t) => t.slice("marts.".length))) {
    it(`golden snapshot of marts.${name}`, async () => {
      const rows = await warehouse.all(`select * from marts.${name} order by all`);
      await expectGolden(`skus_${name}.json`, jsonLines(rows.map(roundDoubles)));
    });
  }
});

/** Doubles to 10 significant digits, so that summation order inside DuckDB cannot change a snapshot. */
function roundDoubles(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v,
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// The demo sample
// ---------------------------------------------------------------------------------------------

describe("problem SKUs and sizes on the demo sample", () => {
  let warehouse: Warehouse;
  let truth: SampleTruth;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    ({truth} = await generateSample({outDir: temp.dir}));
    ({warehouse} = await runIngest(testConfig(temp.dir, join(temp.dir, "inbox"))));
    await buildSkuMarts(warehouse);
  });
  afterAll(async () => {
    warehouse?.close();
    await cleanup?.();
  });

  it("passes every data check, ours and the project's", async () => {
    expect(await failingChecks(warehouse)).toEqual({});
    expect((await runChecks(warehouse)).filter((c) => c.rows.length > 0)).toEqual([]);
  });

  it("the three defective SKUs are in the top 5 problem SKUs of live-apparel", async () => {
    const {shop, skuCodes} = truth.stories.defectiveSkus;
    expect([...skuCodes].sort()).toEqual(["LS2402-GY-L", "LS2402-GY-M", "LS2406-WH-M"]);
    const top = await warehouse.all(
      "select sku_code, top_reason_group from marts.problem_skus where shop_id = $shop and rank <= 5 order by rank",
      {shop},
    );
    expect(top.map((r) => r.sku_code)).toEqual(expect.arrayContaining(skuCodes));
    // And they are there for quality.
    for (const r of top.filter((t) => skuCodes.includes(String(t.sku_code))))
      expect(r.top_reason_group, String(r.sku_code)).toBe("质量问题");
  });

  it("LS2401 runs small (偏小), in S and M", async () => {
    const {shop, productId, smallSizes} = truth.stories.sizesRunSmall;
    const row = await warehouse.one(
      "select * from marts.product_size_verdicts where shop_id = $shop and product_id = $productId",
      {shop, productId},
    );
    expect(row?.verdict).toBe("偏小");
    expect(String(row?.sizes_returning_more).split(",")).toEqual(expect.arrayContaining(smallSizes));
  });
});
