/**
 * The built dashboard in a real browser: Debian's Chromium driven by playwright-core. A warehouse
 * is loaded from a small demo sample (two shops, 120 days: weekly KPIs with something to compare)
 * plus the hand-made fixtures as a third shop (masked buyer names and phone numbers, a phone number
 * in a buyer comment, and a product name that is both a spreadsheet formula and HTML). The site is
 * built from it with `buildSite`, served by our own server on 127.0.0.1, and every page is opened.
 * Screenshots go to test/output/screenshots/ (not committed) for people to look at.
 *
 * Skipped, with a message, only where /usr/bin/chromium is missing and CI is not set; in CI a
 * missing browser fails the test.
 */
import {cp, mkdir, readFile, readdir, writeFile} from "node:fs/promises";
import {existsSync} from "node:fs";
import {join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {chromium, type Browser, type BrowserContextOptions, type Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ALL} from "../../src/components/controls.js";
import {
  formatDelta,
  formatNumber,
  formatPercent,
  formatYuan,
  formatWeek,
} from "../../src/components/format.js";
import {rankProblemSkus, type ProblemSku} from "../../src/components/overview.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {generateSample} from "../../src/pipelines/sample/generate.js";
import {LIVE_PRODUCTS} from "../../src/pipelines/sample/products.js";
import {buildSite, type BuildResult} from "../../src/pipelines/site/build.js";
import {CDN_HOSTS, scanSite} from "../../src/pipelines/site/scan.js";
import {serveStatic, type StaticServer} from "../../src/pipelines/site/serve.js";
import {Warehouse, type Params} from "../../src/pipelines/warehouse.js";
import {fixture, runIngest, tempDir, testConfig, writeAfterSaleFixtures} from "../helpers.js";

const CHROMIUM = "/usr/bin/chromium";
/** Flags that work on these machines (framework-offline.md); Playwright adds --headless and a fresh profile. */
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const screenshots = fileURLToPath(new URL("../output/screenshots/", import.meta.url));
const runs = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runs)
  console.warn(
    `test/browser/site.test.ts skipped: ${CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk). In CI it runs.`,
  );

const FORMULA_NAME = "=SUM(A1:A9)修身连衣裙 <img src=x onerror=alert(1)>";
const FIXTURE_SHOP = "fixture-shop";
const PAGES = [
  "index.html",
  "pages/reasons.html",
  "pages/products.html",
  "pages/sizes.html",
  "pages/regions.html",
  "pages/channels.html",
  "pages/costs.html",
  "pages/operations.html",
  "pages/worklist.html",
  "pages/platform.html",
  "pages/risk.html",
  "pages/definitions.html",
  "reports/index.html",
  // A page for each of the 4 latest complete weeks (DEFAULT_REPORT_PAGES).
  "reports/2026-W44.html",
  "reports/2026-W45.html",
  "reports/2026-W46.html",
  "reports/2026-W47.html",
];

let dir: string;
let cleanup: () => Promise<void>;
let warehousePath: string;
let build: BuildResult;
let site: StaticServer;
let hosting: StaticServer;
let browser: Browser;
let buyerSecrets: string[];

/** Everything the sample and the fixtures know about buyers: masked names, phone numbers, addresses. */
function collectBuyerFields(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) collectBuyerFields(item, found);
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) {
      if (["收件人", "收件人手机号", "详细地址"].includes(key) && typeof item === "string") found.add(item);
      else collectBuyerFields(item, found);
    }
}

async function query(sql: string, params?: Params): Promise<Record<string, unknown>[]> {
  const warehouse = await Warehouse.open(warehousePath, {readOnly: true});
  try {
    return await warehouse.all(sql, params);
  } finally {
    warehouse.close();
  }
}

beforeAll(async () => {
  if (!runs) return;
  ({dir, cleanup} = await tempDir());
  const sample = await generateSample({outDir: join(dir, "sample"), orders: 4000});
  const inbox = join(dir, "sample", "inbox");
  const shopDir = join(inbox, FIXTURE_SHOP);
  await mkdir(shopDir, {recursive: true});
  const ordersA = await readFile(fixture("orders_a.csv"), "utf8");
  expect(ordersA).toContain("修身连衣裙 <b>新款</b>");
  await writeFile(join(shopDir, "orders_a.csv"), ordersA.replaceAll("修身连衣裙 <b>新款</b>", FORMULA_NAME));
  for (const name of ["orders_a_later.csv", "after_sales_basics.csv", "sku_master.csv"])
    await cp(fixture(name), join(shopDir, name));
  await writeAfterSaleFixtures(shopDir);

  const config = testConfig(dir, inbox);
  const {warehouse, summary} = await runIngest(config);
  try {
    expect(summary.failed).toBe(0);
    await ensureFresh(warehouse, config);
  } finally {
    warehouse.close();
  }
  warehousePath = config.warehouse;

  const secrets = new Set(["张**", "138****0001", "139****0002", "137****0003", "13812345678"]);
  collectBuyerFields(sample.truth, secrets);
  const keys = await query("select distinct buyer_key from core.order_lines where buyer_key is not null");
  buyerSecrets = [...secrets, ...keys.map((k) => String(k.buyer_key))];
  expect(secrets.size).toBeGreaterThan(5);

  build = await buildSite({warehouse: warehousePath, out: join(dir, "dist"), logger: memoryLogger()});
  site = await serveStatic({dir: build.out, port: 0});
  // The same site one folder down, as on a static host at a sub-path.
  await cp(build.out, join(dir, "host", "returnscope"), {recursive: true});
  await writeFile(join(dir, "host", "index.html"), "<p>another site</p>");
  hosting = await serveStatic({dir: join(dir, "host"), port: 0});
  browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true});
  await mkdir(screenshots, {recursive: true});
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await hosting?.close();
  await cleanup?.();
});

interface Opened {
  page: Page;
  /** Console errors, page errors, failed requests, HTTP errors and requests to other hosts. */
  problems: string[];
}

async function open(url: string, options: BrowserContextOptions = {}): Promise<Opened> {
  const context = await browser.newContext({viewport: {width: 1280, height: 900}, ...options});
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("request", (request) => {
    const target = new URL(request.url());
    if (["data:", "blob:"].includes(target.protocol)) return;
    if (target.hostname !== "127.0.0.1") problems.push(`request to another host: ${request.url()}`);
  });
  await page.goto(url, {waitUntil: "networkidle"});
  // Framework shows <observablehq-loading> until a cell has its value.
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0);
  return {page, problems};
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({path: join(screenshots, `${name}.png`), fullPage: true});
}

/** The Monday of the last complete cohort week, as the overview chooses it by default. */
async function anchorWeek(): Promise<string> {
  const [row] = await query(
    "select strftime(max(cohort_date), '%Y-%m-%d') as last from marts.return_rates_daily",
  );
  const last = new Date(`${row!.last}T00:00:00Z`);
  const monday = new Date(last.getTime() - ((last.getUTCDay() + 6) % 7) * 86_400_000);
  const complete = last.getUTCDay() === 0;
  return new Date(monday.getTime() - (complete ? 0 : 7 * 86_400_000)).toISOString().slice(0, 10);
}

const weekEnd = (monday: string) =>
  new Date(new Date(`${monday}T00:00:00Z`).getTime() + 6 * 86_400_000).toISOString().slice(0, 10);
const weekBefore = (monday: string) =>
  new Date(new Date(`${monday}T00:00:00Z`).getTime() - 7 * 86_400_000).toISOString().slice(0, 10);

interface Selection {
  shop?: string;
  channel?: string;
  category?: string;
}

/** Orders and the unit return rate of one week, straight from marts.return_rates_daily. */
async function expectedRates(monday: string, selection: Selection = {}) {
  const [row] = await query(
    `select coalesce(sum(paid_orders), 0)::double as orders,
            sum(returned_units)::double / nullif(sum(shipped_units), 0)::double as rate
     from marts.return_rates_daily
     where cohort_date between $from::date and $to::date
       and ($shop = '' or shop_id = $shop) and ($channel = '' or traffic_source = $channel)
       and ($category = '' or category = $category)`,
    {
      from: monday,
      to: weekEnd(monday),
      shop: selection.shop ?? "",
      channel: selection.channel ?? "",
      category: selection.category ?? "",
    },
  );
  return {orders: Number(row!.orders), rate: row!.rate === null ? null : Number(row!.rate)};
}

async function expectedCosts(monday: string) {
  const [row] = await query(
    `select sum(refund_goods_amount)::double as refund, sum(logistics_cost_amount)::double as logistics,
            sum(loss_amount)::double as loss, sum(total_cost_amount)::double / sum(gmv_amount)::double as share
     from marts.return_costs where cohort_date between $from::date and $to::date`,
    {from: monday, to: weekEnd(monday)},
  );
  return row as {refund: number; logistics: number; loss: number; share: number};
}

async function kpi(page: Page, key: string): Promise<{value: number; text: string; week: string}> {
  const card = page.locator(`[data-kpi="${key}"]`);
  return {
    value: Number(await card.getAttribute("data-value")),
    text: (await card.locator(".rs-kpi-value").textContent()) ?? "",
    week: (await card.locator('[data-delta="week"] strong').textContent()) ?? "",
  };
}

async function costsPublished(): Promise<boolean> {
  const [row] = await query(
    "select count(*)::integer as n from information_schema.tables where table_schema = 'marts' and table_name = 'return_costs'",
  );
  return Number(row!.n) === 1;
}

describe.skipIf(!runs)("the built site in Chromium", {timeout: 120_000}, () => {
  it("builds a self-contained site", () => {
    expect(build.pages).toEqual(PAGES.slice().sort());
    expect(build.dataBytes).toBeGreaterThan(0);
  });

  it("opens every page with no console error, failed request or request to another host", async () => {
    for (const path of PAGES) {
      const {page, problems} = await open(site.url + path);
      expect(await page.locator("main h1").first().textContent()).toBeTruthy();
      await screenshot(page, path.replace(/\.html$/, "").replace("/", "_"));
      expect(problems, path).toEqual([]);
      await page.context().close();
    }
    // The overview on a phone, in the dark theme.
    const {page, problems} = await open(site.url, {
      viewport: {width: 390, height: 844},
      colorScheme: "dark",
      isMobile: true,
    });
    await page.locator('[data-kpi="orders"]').waitFor();
    await screenshot(page, "index_phone_dark");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("shows the marts' KPI values for the last complete cohort week", async () => {
    const {page, problems} = await open(site.url);
    const monday = await anchorWeek();
    const [week] = await query("select strftime($d::date, '%G-W%V') as week", {d: monday});
    await expect
      .poll(() => page.locator("h2.rs-section").textContent())
      .toContain(formatWeek(monday, String(week!.week)));

    const current = await expectedRates(monday);
    const previous = await expectedRates(weekBefore(monday));
    expect(current.orders).toBeGreaterThan(50);
    const orders = await kpi(page, "orders");
    expect(orders.value).toBe(current.orders);
    expect(orders.text).toBe(formatNumber(current.orders));
    expect(orders.week).toContain(formatDelta(current.orders, previous.orders, "relative").text);
    const rate = await kpi(page, "unit_return_rate");
    expect(rate.value).toBeCloseTo(current.rate!, 12);
    expect(rate.text).toBe(formatPercent(current.rate));
    expect(rate.week).toContain(formatDelta(current.rate, previous.rate, "points").text);

    if (await costsPublished()) {
      const costs = await expectedCosts(monday);
      const refund = await kpi(page, "refund_amount");
      expect(refund.value).toBeCloseTo(costs.refund, 6);
      expect(refund.text).toBe(formatYuan(costs.refund));
      expect((await kpi(page, "logistics_cost")).text).toBe(formatYuan(costs.logistics));
      expect((await kpi(page, "loss")).text).toBe(formatYuan(costs.loss));
      expect((await kpi(page, "cost_share_of_gmv")).text).toBe(formatPercent(costs.share, 2));
    } else {
      expect(await page.locator('[data-kpi="refund_amount"]').count()).toBe(0);
      await expect.poll(() => page.locator("main").textContent()).toContain("marts.return_costs");
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("overview alerts: due and overdue after-sales and scores outside full marks are the warehouse's, per shop", async () => {
    const {page, problems} = await open(site.url);
    const counts = async (shop: string) => {
      const [row] = await query(
        `select count(*) filter (where deadline_state = 'overdue')::integer as overdue,
                count(*) filter (where deadline_state = 'due_24h')::integer as due
         from marts.after_sale_backlog where ($shop = '' or shop_id = $shop)`,
        {shop},
      );
      return row as {overdue: number; due: number};
    };
    const alertTexts = async () =>
      page
        .locator("[data-alert]")
        .evaluateAll((items) =>
          items.map(
            (item) => `${item.getAttribute("data-alert")}|${item.textContent?.replace(/\s+/g, " ").trim()}`,
          ),
        );
    const expectSla = async (shop: string) => {
      const {overdue, due} = await counts(shop);
      const texts = await alertTexts();
      const overdueText = texts.find((t) => t.includes("已超过自动处理截止时间"));
      const dueText = texts.find((t) => t.includes("24小时内到期"));
      expect(overdueText ?? null, shop).toBe(
        overdue > 0 ? `sla|紧急 ${formatNumber(overdue)} 张售后已超过自动处理截止时间` : null,
      );
      expect(dueText ?? null, shop).toBe(
        due > 0 ? `sla|注意 ${formatNumber(due)} 张售后将在24小时内到期` : null,
      );
    };
    await expectSla("");
    // Scores: one alert per shop and metric whose latest estimate is outside the first band.
    const scored = await query(
      `select count(*)::integer as n from (
         select shop_id, metric, arg_max(band, date) as band, arg_max(low_volume, date) as low_volume
         from marts.platform_score_daily
         where metric in ('product_quality_return_rate', 'logistics_quality_return_rate')
         group by all) where band > 1 and not low_volume`,
    );
    expect(Number(scored[0]!.n)).toBeGreaterThan(0); // the sample's shops are outside full marks
    expect((await alertTexts()).filter((t) => t.startsWith("score|"))).toHaveLength(Number(scored[0]!.n));
    await page.selectOption('[data-filter="shop"] select', {label: "basics-store"});
    await expect
      .poll(
        async () =>
          (await alertTexts()).filter((t) => t.startsWith("score|") && !t.includes("basics-store")).length,
      )
      .toBe(0);
    await expectSla("basics-store");
    expect(problems).toEqual([]);
  });

  it("changes every figure on the overview when a filter changes", async () => {
    const {page, problems} = await open(site.url);
    const monday = await anchorWeek();
    const chart = page.locator('[data-chart="cohort"]');
    const pointsBefore = Number(await chart.getAttribute("data-points"));
    expect(Number(await chart.getAttribute("data-forecast"))).toBeGreaterThan(0);

    // Shop: KPIs, the chart and the problem-SKU table follow.
    await page.selectOption('[data-filter="shop"] select', {label: "basics-store"});
    const basics = await expectedRates(monday, {shop: "basics-store"});
    await expect.poll(async () => (await kpi(page, "orders")).value).toBe(basics.orders);
    expect((await kpi(page, "unit_return_rate")).value).toBeCloseTo(basics.rate!, 12);
    const [first, last] = [await chart.getAttribute("data-first"), await chart.getAttribute("data-last")];
    expect(last).toBe(monday);
    const [shipped] = await query(
      `select sum(shipped_units)::double as units from marts.return_rates_daily
       where shop_id = 'basics-store' and cohort_date between $from::date and $to::date`,
      {from: first!, to: weekEnd(last!)},
    );
    await expect.poll(() => chart.getAttribute("data-shipped")).toBe(String(shipped!.units));
    const shops = page.locator('[data-table="problem-skus"] tbody tr td:first-child');
    await expect.poll(async () => [...new Set(await shops.allTextContents())]).toEqual(["basics-store"]);

    // Channel (流量来源): the KPIs follow; the forecast, which has no channel, is hidden.
    await page.selectOption('[data-filter="shop"] select', {label: "全部"});
    await page.selectOption('[data-filter="channel"] select', {label: "精选联盟"});
    const affiliate = await expectedRates(monday, {channel: "精选联盟"});
    await expect.poll(async () => (await kpi(page, "orders")).value).toBe(affiliate.orders);
    await expect.poll(() => chart.getAttribute("data-forecast")).toBe("0");

    // Category.
    await page.selectOption('[data-filter="channel"] select', {label: "全部"});
    await page.selectOption('[data-filter="category"] select', {label: "连衣裙"});
    const dresses = await expectedRates(monday, {category: "连衣裙"});
    await expect.poll(async () => (await kpi(page, "orders")).value).toBe(dresses.orders);
    expect((await kpi(page, "unit_return_rate")).value).toBeCloseTo(dresses.rate!, 12);

    // Cohort range: four weeks up to the anchor week.
    const fromOptions = await page.locator('[data-filter="from"] option').allTextContents();
    const [week] = await query("select strftime($d::date, '%G-W%V') as week", {d: monday});
    const anchorIndex = fromOptions.findIndex((label) => label.startsWith(String(week!.week)));
    expect(anchorIndex).toBeGreaterThan(3);
    await page.selectOption('[data-filter="from"] select', {index: anchorIndex - 3});
    await expect.poll(() => chart.getAttribute("data-points")).toBe("4");
    expect(pointsBefore).toBeGreaterThan(4);
    await screenshot(page, "index_filtered");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("downloads a table as CSV that Excel reads: BOM, header, the rows shown, formulas escaped", async () => {
    const {page, problems} = await open(site.url);
    await page.selectOption('[data-filter="shop"] select', {label: FIXTURE_SHOP});
    const table = page.locator('[data-table="problem-skus"]');
    await expect
      .poll(() => table.locator("tbody tr td:first-child").first().textContent())
      .toBe(FIXTURE_SHOP);
    // The name is shown as text: no <img> was made of it.
    await expect.poll(() => table.locator("tbody").textContent()).toContain(FORMULA_NAME);
    expect(await page.locator("main img").count()).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      table.locator('[data-action="csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe("问题SKU前五.csv");
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").split("\r\n");
    expect(lines[0]).toBe(
      "店铺,SKU（商家编码）,商品,发货件数,件数退货率,收缩后退货率,90%区间,超额退货件数,超额退款,主要原因",
    );
    const skus = (await query(
      `select shop_id, sku_code, product_name, shipped_units::double as shipped_units, interval_low, shrunk_rate, category
       from marts.problem_skus where shop_id = $shop`,
      {shop: FIXTURE_SHOP},
    )) as unknown as ProblemSku[];
    const top = rankProblemSkus(skus, {shop: FIXTURE_SHOP, category: ALL}).slice(0, 5);
    expect(lines.slice(1, -1)).toHaveLength(top.length);
    expect(lines.at(-1)).toBe("");
    const first = top[0]!;
    const firstName = first.product_name === FORMULA_NAME ? `'${FORMULA_NAME}` : (first.product_name ?? "");
    expect(
      lines[1]!.startsWith(`${FIXTURE_SHOP},${first.sku_code},${firstName},${first.shipped_units},`),
    ).toBe(true);
    expect(lines.some((line) => line.includes(`,'${FORMULA_NAME},`))).toBe(true);
    expect(lines.some((line) => line.includes(`,${FORMULA_NAME}`))).toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("products page: search, sort and a SKU's sizes, reasons and weekly trend", async () => {
    const {page, problems} = await open(site.url + "pages/products.html");
    const table = page.locator('[data-table="skus"]');
    const rows = table.locator("tbody tr");
    const all = await rows.count();
    expect(all).toBeGreaterThan(20);
    await table.locator('input[type="search"]').fill("LS01");
    await expect.poll(() => rows.count()).toBeLessThan(all);
    for (const sku of await table.locator("tbody tr td:nth-child(2)").allTextContents())
      expect(sku).toContain("LS01");
    await table.locator('input[type="search"]').fill("");
    await table.locator('[data-sort="return_rate"]').click();
    const rates = (await table.locator("tbody tr td:nth-child(8)").allTextContents())
      .filter((t) => t !== "—")
      .map(parseFloat);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    expect(await table.locator('[aria-sort="descending"]').count()).toBe(1);

    const second = rows.nth(1);
    const sku = await second.locator("td:nth-child(2)").textContent();
    await second.click();
    await expect.poll(() => page.locator('[data-detail="sku"]').textContent()).toContain(sku!);
    await expect.poll(() => page.locator('[data-chart="sku-trend"]').count()).toBe(1);
    expect(await page.locator('[data-chart="reasons"], [data-table="sku-reasons"]').count()).toBeGreaterThan(
      0,
    );
    await screenshot(page, "pages_products_selected");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  /** The cohort range a page shows (its summary line), the rows of one table and the warehouse's sums. */
  async function pageRange(page: Page): Promise<{from: string; to: string}> {
    const summary = page.locator("[data-summary]");
    await summary.waitFor();
    return {
      from: (await summary.getAttribute("data-from"))!,
      to: weekEnd((await summary.getAttribute("data-to"))!),
    };
  }

  async function tableRows(page: Page, name: string): Promise<string[][]> {
    return page
      .locator(`[data-table="${name}"] tbody tr`)
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
      );
  }

  it("reasons page: the reason-group mix is the warehouse's, and follows the shop filter", async () => {
    const {page, problems} = await open(site.url + "pages/reasons.html");
    const range = await pageRange(page);
    const expected = async (shop: string) =>
      (
        await query(
          `select coalesce(reason_group, '未知') as g, sum(returned_units)::double as units
           from marts.return_rates_daily
           where reason is not null and cohort_date between $from::date and $to::date and ($shop = '' or shop_id = $shop)
           group by all order by units desc, g`,
          {...range, shop},
        )
      ).map((r) => [String(r.g), formatNumber(Number(r.units))]);
    const shown = async () => (await tableRows(page, "reason-groups")).map((r) => [r[0]!, r[1]!]);
    const all = await expected("");
    expect(all.length).toBeGreaterThan(1);
    await expect
      .poll(async () => new Set((await shown()).map((r) => r.join("|"))))
      .toEqual(new Set(all.map((r) => r.join("|"))));
    await page.selectOption('[data-filter="shop"] select', {label: "basics-store"});
    const basics = await expected("basics-store");
    await expect
      .poll(async () => new Set((await shown()).map((r) => r.join("|"))))
      .toEqual(new Set(basics.map((r) => r.join("|"))));
    expect(await page.locator('[data-chart="reason-category"]').count()).toBe(1);
    await screenshot(page, "pages_reasons_filtered");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("comment themes: a SKU's themes on the products page and the reasons page's theme × product table are the warehouse's", async () => {
    // Products: the SKU with the most themed after-sales among those with a theme that grew.
    const [target] = await query(
      `select t.shop_id, t.sku_code from marts.sku_comment_themes t join marts.problem_skus p using (shop_id, sku_code)
       group by all having bool_or(t.is_growing) order by sum(t.after_sale_count) desc, t.shop_id, t.sku_code limit 1`,
    );
    expect(target).toBeDefined();
    const shop = String(target!.shop_id);
    const sku = String(target!.sku_code);
    const [totals] = await query(
      `select sum(commented_count)::double as commented, sum(return_count)::double as returns
       from marts.sku_comment_weeks where shop_id = $shop and sku_code = $sku`,
      {shop, sku},
    );
    const themes = await query(
      `select theme, sum(after_sale_count)::double as n, sum(return_count)::double as r, min(theme_order) as o,
              max(week) filter (where is_growing) as grew
       from marts.sku_comment_themes where shop_id = $shop and sku_code = $sku group by theme order by n desc, o`,
      {shop, sku},
    );
    const share = (a: number, b: number) => formatPercent(b > 0 ? a / b : null);
    const products = await open(site.url + "pages/products.html");
    const skus = products.page.locator('[data-table="skus"]');
    await skus.locator('input[type="search"]').fill(sku);
    await skus.locator(`tbody tr[data-key="${shop}/${sku}"]`).click();
    await expect.poll(() => products.page.locator('[data-detail="sku"]').textContent()).toContain(sku);
    await expect
      .poll(() => tableRows(products.page, "sku-themes"))
      .toEqual(
        themes.map((t) => [
          String(t.theme),
          formatNumber(Number(t.n)),
          share(Number(t.n), Number(totals!.commented)),
          formatNumber(Number(t.r)),
          share(Number(t.r), Number(totals!.returns)),
          t.grew === null ? "" : `▲ ${t.grew}`,
        ]),
      );
    expect(themes.some((t) => t.grew !== null)).toBe(true);
    // The comments listed beside them, with the themes each carries.
    const commentThemes = await query(
      `select coalesce(array_to_string(t.themes, '、'), '') as themes
       from marts.sku_comments c left join intermediate.int_after_sale_comment_themes t using (after_sale_id)
       where c.shop_id = $shop and c.sku_code = $sku and c.comment_rank <= 5 order by c.comment_rank`,
      {shop, sku},
    );
    expect((await tableRows(products.page, "sku-comments")).map((r) => r[6])).toEqual(
      commentThemes.map((c) => String(c.themes) || "—"),
    );
    await screenshot(products.page, "pages_products_themes");
    expect(products.problems).toEqual([]);
    await products.page.context().close();

    // Reasons: the products with the most commented after-sales in the page's weeks (application
    // weeks), their commented after-sales and each theme's count and share.
    const {page, problems} = await open(site.url + "pages/reasons.html");
    const summary = page.locator("[data-theme-summary]");
    await summary.waitFor();
    const from = (await summary.getAttribute("data-from"))!;
    const to = (await summary.getAttribute("data-to"))!;
    const expected = async (shopFilter: string) => {
      const params = {from, to, shop: shopFilter};
      const productRows = await query(
        `select shop_id, product_id, max(product_name) as name, sum(commented_count)::double as commented
         from marts.sku_comment_weeks
         where week_start between $from::date and $to::date and ($shop = '' or shop_id = $shop)
         group by shop_id, product_id having sum(commented_count) > 0`,
        params,
      );
      const themeRows = await query(
        `select shop_id, product_id, theme, min(theme_order) as o, sum(after_sale_count)::double as n
         from marts.sku_comment_themes
         where week_start between $from::date and $to::date and ($shop = '' or shop_id = $shop)
         group by all`,
        params,
      );
      const keyOf = (r: Record<string, unknown>) => `${r.shop_id}\u0000${r.product_id ?? ""}`;
      const top = productRows
        .map((r) => ({
          shop_id: String(r.shop_id),
          product_id: r.product_id === null ? null : String(r.product_id),
          name: r.name === null ? null : String(r.name),
          commented: Number(r.commented),
          key: keyOf(r),
        }))
        .sort((a, b) => b.commented - a.commented || a.key.localeCompare(b.key))
        .slice(0, 15);
      const inTop = themeRows.filter((t) => top.some((p) => p.key === keyOf(t)));
      const totals = new Map<string, {n: number; o: number}>();
      for (const t of inTop) {
        const known = totals.get(String(t.theme)) ?? {n: 0, o: Number(t.o)};
        known.n += Number(t.n);
        totals.set(String(t.theme), known);
      }
      const columns = [...totals].sort((a, b) => b[1].n - a[1].n || a[1].o - b[1].o).map(([theme]) => theme);
      // The table shows the 8 themes said most; the heatmap all of them.
      const rows = top.map((p) => [
        p.name ?? p.product_id ?? "—",
        p.shop_id,
        formatNumber(p.commented),
        ...columns.slice(0, 8).map((theme) => {
          const n = Number(inTop.find((t) => keyOf(t) === p.key && t.theme === theme)?.n ?? 0);
          return n ? `${formatNumber(n)}（${share(n, p.commented)}）` : "—";
        }),
        p.product_id ?? "—",
      ]);
      const commented = productRows.reduce((s, r) => s + Number(r.commented), 0);
      return {columns, rows, commented, cells: inTop.length};
    };
    const shownColumns = () =>
      page
        .locator('[data-table="theme-products"] thead button[data-sort^="theme:"]')
        .evaluateAll((buttons) => buttons.map((b) => b.getAttribute("data-sort")!.slice("theme:".length)));
    const all = await expected("");
    expect(all.rows.length).toBeGreaterThan(5);
    expect(all.columns.length).toBeGreaterThan(5);
    expect(Number(await summary.getAttribute("data-commented"))).toBe(all.commented);
    await expect.poll(shownColumns).toEqual(all.columns.slice(0, 8));
    // The heatmap: a cell for every theme said about a product in the table.
    await expect
      .poll(async () =>
        Number(await page.locator('[data-chart="theme-products"]').getAttribute("data-points")),
      )
      .toBe(all.cells);
    await expect.poll(() => tableRows(page, "theme-products")).toEqual(all.rows);
    await page.selectOption('[data-filter="shop"] select', {label: "basics-store"});
    const basics = await expected("basics-store");
    await expect
      .poll(async () => Number(await summary.getAttribute("data-commented")))
      .toBe(basics.commented);
    await expect.poll(() => tableRows(page, "theme-products")).toEqual(basics.rows);
    await screenshot(page, "pages_reasons_themes");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("regions page: province rates are the warehouse's, with the 未知 bucket in the table", async () => {
    const {page, problems} = await open(site.url + "pages/regions.html");
    const range = await pageRange(page);
    const rows = await query(
      `select coalesce(max(province_name), '未知') as name, sum(shipped_units)::double as shipped,
              sum(returned_units)::double as returned
       from marts.return_rates_daily where cohort_date between $from::date and $to::date
       group by province_code having sum(shipped_units) > 0 or sum(returned_units) > 0`,
      range,
    );
    const expected = new Set(
      rows.map((r) =>
        [
          r.name,
          formatNumber(Number(r.shipped)),
          formatNumber(Number(r.returned)),
          formatPercent(Number(r.returned) / Number(r.shipped)),
        ].join("|"),
      ),
    );
    await expect
      .poll(
        async () =>
          new Set((await tableRows(page, "provinces")).map((r) => [r[0], r[2], r[3], r[4]].join("|"))),
      )
      .toEqual(expected);
    expect(rows.some((r) => r.name === "未知")).toBe(true);
    expect(await page.locator('[data-chart="tile-map"]').getAttribute("data-tiles")).toBe("34");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("channels page: rates by 流量来源 are the warehouse's, and follow the category filter", async () => {
    const {page, problems} = await open(site.url + "pages/channels.html");
    const range = await pageRange(page);
    const expected = async (category: string) =>
      new Set(
        (
          await query(
            `select coalesce(traffic_source, '未知') as s, sum(shipped_units)::double as shipped,
                    sum(returned_units)::double as returned
             from marts.return_rates_daily
             where cohort_date between $from::date and $to::date and ($category = '' or category = $category)
             group by traffic_source having sum(shipped_units) > 0 or sum(returned_units) > 0`,
            {...range, category},
          )
        ).map((r) =>
          [
            r.s,
            formatNumber(Number(r.shipped)),
            formatNumber(Number(r.returned)),
            formatPercent(Number(r.returned) / Number(r.shipped)),
          ].join("|"),
        ),
      );
    const shown = async () =>
      new Set((await tableRows(page, "channel-traffic_source")).map((r) => r.slice(0, 4).join("|")));
    await expect.poll(shown).toEqual(await expected(""));
    expect(await page.locator('[data-table="channel-influencer"] tbody tr').count()).toBeGreaterThan(0);
    await page.selectOption('[data-filter="category"] select', {label: "连衣裙"});
    await expect.poll(shown).toEqual(await expected("连衣裙"));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("costs page: the figures are the warehouse's, reproducible from the printed assumptions, and follow the filters", async () => {
    const {page, problems} = await open(site.url + "pages/costs.html");
    const range = await pageRange(page);
    const expected = async (shop: string, channel: string) => {
      const [row] = await query(
        `select coalesce(sum(total_cost_amount), 0)::double as total, coalesce(sum(handling_amount), 0)::double as handling,
                count(*) filter (where is_returned and after_sale_type = '退货退款')::double as return_refunds
         from marts.return_costs
         where cohort_date between $from::date and $to::date and ($shop = '' or shop_id = $shop)
           and ($channel = '' or traffic_source = $channel)`,
        {...range, shop, channel},
      );
      return row as {total: number; handling: number; return_refunds: number};
    };
    const total = async () => Number(await page.locator("[data-summary]").getAttribute("data-total"));
    const kpiText = () => page.locator('[data-kpi="total_cost"] .rs-kpi-value').textContent();
    const handlingRow = async () =>
      (await tableRows(page, "cost-components")).find((r) => r[0]!.includes("处理费"))!;

    const all = await expected("", "");
    expect(all.total).toBeGreaterThan(0);
    await expect.poll(total).toBeCloseTo(all.total, 2);
    expect(await kpiText()).toBe(formatYuan(all.total));
    // The handling fee is reproducible from the printed assumption: fee × the 退货退款 count.
    const [fee] = await query(
      "select value from marts.cost_assumptions where area = 'costs' and parameter = 'handling_cost_per_return'",
    );
    expect(all.handling).toBeCloseTo(Number(fee!.value) * all.return_refunds, 2);
    expect(await page.locator('[data-parameter="handling_cost_per_return"]').textContent()).toContain(
      formatYuan(Number(fee!.value)),
    );
    expect((await handlingRow())[1]).toBe(formatYuan(all.handling));
    const method = (await tableRows(page, "cost-methods")).find((r) => r[0]!.includes("处理费"))!;
    expect(method[1]).toContain(`× ${all.return_refunds} 个 = ${formatYuan(all.handling)}`);
    expect(Number(await page.locator("[data-assumptions]").getAttribute("data-assumptions"))).toBeGreaterThan(
      5,
    );

    // Shop: every figure follows, the SKU table too.
    await page.selectOption('[data-filter="shop"] select', {label: "basics-store"});
    const basics = await expected("basics-store", "");
    expect(basics.total).not.toBeCloseTo(all.total, 2);
    await expect.poll(total).toBeCloseTo(basics.total, 2);
    expect(await kpiText()).toBe(formatYuan(basics.total));
    expect((await handlingRow())[1]).toBe(formatYuan(basics.handling));
    const shops = page.locator('[data-table="cost-skus"] tbody tr td:first-child');
    await expect.poll(async () => [...new Set(await shops.allTextContents())]).toEqual(["basics-store"]);

    // Channel (流量来源), all shops.
    await page.selectOption('[data-filter="shop"] select', {label: "全部"});
    await page.selectOption('[data-filter="channel"] select', {label: "精选联盟"});
    const affiliate = await expected("", "精选联盟");
    await expect.poll(total).toBeCloseTo(affiliate.total, 2);
    expect(await kpiText()).toBe(formatYuan(affiliate.total));
    expect(await page.locator('[data-chart="cost-weekly"]').count()).toBe(1);
    expect(await page.locator('[data-chart="cost-reasons"]').count()).toBe(1);
    await screenshot(page, "pages_costs_filtered");
    expect(problems).toEqual([]);
    await page.context().close();

    const phone = await open(site.url + "pages/costs.html", {
      viewport: {width: 390, height: 844},
      isMobile: true,
    });
    await phone.page.locator("[data-summary]").waitFor();
    await screenshot(phone.page, "pages_costs_phone");
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });

  it("sizes page: the verdict table shows the sample's product that runs small (偏小), chosen first", async () => {
    const dress = LIVE_PRODUCTS.find((p) => (p.smallSizes ?? []).length > 0)!;
    const [planted] = await query(
      "select distinct shop_id, product_id from core.order_lines where sku_code like $style",
      {style: `${dress.style}-%`},
    );
    expect(planted).toBeDefined();
    const {page, problems} = await open(site.url + "pages/sizes.html");
    // The strongest verdict is the product shown by default.
    const detail = page.locator('[data-detail="product"]');
    await expect.poll(() => detail.getAttribute("data-product")).toBe(String(planted!.product_id));
    expect(await detail.getAttribute("data-verdict")).toBe("偏小");
    expect(
      Number(await page.locator('[data-chart="size-rates"]').getAttribute("data-points")),
    ).toBeGreaterThanOrEqual(dress.sizes.length);

    const table = page.locator('[data-table="size-verdicts"]');
    const all = await table.locator("tbody tr").count();
    await table.locator('input[type="search"]').fill(dress.name);
    await expect.poll(() => table.locator("tbody tr").count()).toBeLessThan(all);
    const rows = await tableRows(page, "size-verdicts");
    const row = rows.find((r) => r[1] === String(planted!.product_id));
    expect(row, "planted product in the verdict table").toBeDefined();
    expect(row![0]).toBe(String(planted!.shop_id));
    expect(row![2]).toBe(dress.name);
    expect(row![4]).toBe("偏小");
    // The evidence: far more 偏小 than 偏大 mentions.
    const [small, large] = [Number(row![5]!.replace(/,/g, "")), Number(row![6]!.replace(/,/g, ""))];
    expect(small).toBeGreaterThan(3 * large);
    await screenshot(page, "pages_sizes_search");
    expect(problems).toEqual([]);
    await page.context().close();

    const phone = await open(site.url + "pages/sizes.html", {
      viewport: {width: 390, height: 844},
      isMobile: true,
    });
    await phone.page.locator('[data-detail="product"]').waitFor();
    await screenshot(phone.page, "pages_sizes_phone");
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });

  it("operations page: the open backlog and review time are the warehouse's, and follow the shop filter", async () => {
    const {page, problems} = await open(site.url + "pages/operations.html");
    const backlog = async (shop: string) => {
      const [row] = await query(
        `select count(*)::integer as open, (count(*) filter (where is_stale))::integer as stale
         from marts.after_sale_backlog where $shop = '' or shop_id = $shop`,
        {shop},
      );
      return row as {open: number; stale: number};
    };
    const kpiValue = async (key: string) =>
      Number(await page.locator(`[data-kpi="${key}"]`).getAttribute("data-value"));
    const all = await backlog("");
    expect(all.open).toBeGreaterThan(0);
    await expect.poll(() => kpiValue("open")).toBe(all.open);
    expect(await page.locator('[data-kpi="open"] .rs-kpi-value').textContent()).toBe(formatNumber(all.open));
    expect(await kpiValue("stale")).toBe(all.stale);

    // Mean review time of the weeks shown: Σ hours ÷ Σ reviewed after-sales of the mart.
    const summary = page.locator("[data-summary]");
    const weeks = {
      from: (await summary.getAttribute("data-from"))!,
      to: (await summary.getAttribute("data-to"))!,
    };
    const [review] = await query(
      `select sum(review_hours_total) / sum(reviewed_count) as mean, sum(reviewed_count)::integer as n
       from marts.after_sale_times_weekly
       where after_sale_type = '全部' and week_start between $from::date and $to::date`,
      weeks,
    );
    expect(Number(review!.n)).toBeGreaterThan(0);
    expect(Number(await summary.getAttribute("data-review-count"))).toBe(review!.n);
    expect(Number(await summary.getAttribute("data-review-mean"))).toBeCloseTo(Number(review!.mean), 2);

    // One shop: the cards and the as-of line follow.
    await page.selectOption('[data-filter="shop"] select', {label: "basics-store"});
    const basics = await backlog("basics-store");
    expect(basics.open).not.toBe(all.open);
    await expect.poll(() => kpiValue("open")).toBe(basics.open);
    const [asOf] = await query(
      "select strftime(as_of_at, '%Y-%m-%d %H:%M:%S') as t from intermediate.int_shop_as_of where shop_id = 'basics-store'",
    );
    await expect
      .poll(() => page.locator("[data-snapshot]").textContent())
      .toContain(`basics-store ${asOf!.t}`);
    expect(await page.locator("[data-snapshot]").textContent()).not.toContain("live-apparel");
    await screenshot(page, "pages_operations_filtered");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("operations page: return parcels in transit and stuck, and transit times by carrier, are the warehouse's", async () => {
    const {page, problems} = await open(site.url + "pages/operations.html");
    const parcels = async (shop: string) => {
      const [row] = await query(
        `select (count(*) filter (where parcel_state = 'in_transit'))::integer as in_transit,
                (count(*) filter (where is_stuck))::integer as stuck
         from marts.return_parcels where $shop = '' or shop_id = $shop`,
        {shop},
      );
      return row as {in_transit: number; stuck: number};
    };
    const section = page.locator("[data-parcels]");
    const all = await parcels("");
    expect(all.in_transit).toBeGreaterThan(0);
    await expect.poll(() => section.getAttribute("data-in-transit")).toBe(String(all.in_transit));
    expect(await section.getAttribute("data-stuck")).toBe(String(all.stuck));
    expect(await page.locator("[data-stuck-list]").getAttribute("data-total")).toBe(String(all.stuck));
    expect(await page.locator('[data-table="stuck-parcels"] tbody tr:not(:has(.rs-empty))').count()).toBe(
      Math.min(all.stuck, 500),
    );
    // Shipping → receipt over every shop and carrier: p50 and p90 straight from the parcels.
    const [times] = await query(
      `select count(days_to_receipt)::integer as n, quantile_cont(days_to_receipt, 0.5) as p50,
              quantile_cont(days_to_receipt, 0.9) as p90
       from marts.return_parcels`,
    );
    const carrierTimes = page.locator("[data-carrier-times]");
    expect(Number(await carrierTimes.getAttribute("data-timed"))).toBe(times!.n);
    expect(Number(await carrierTimes.getAttribute("data-p50"))).toBeCloseTo(Number(times!.p50), 3);
    expect(Number(await carrierTimes.getAttribute("data-p90"))).toBeCloseTo(Number(times!.p90), 3);

    await page.selectOption('[data-filter="shop"] select', {label: "basics-store"});
    const basics = await parcels("basics-store");
    expect(basics.in_transit).not.toBe(all.in_transit);
    await expect.poll(() => section.getAttribute("data-in-transit")).toBe(String(basics.in_transit));
    const [basicsTimes] = await query(
      "select count(days_to_receipt)::integer as n from marts.return_parcels where shop_id = 'basics-store'",
    );
    await expect.poll(() => carrierTimes.getAttribute("data-timed")).toBe(String(basicsTimes!.n));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("worklist page: the count is the warehouse's open, non-stale after-sales for the filter, the soonest deadline first", async () => {
    const {page, problems} = await open(site.url + "pages/worklist.html");
    const expected = async (shop: string, status: string) => {
      const [row] = await query(
        `select count(*)::integer as n, strftime(min(deadline_at), '%Y-%m-%d %H:%M:%S') as first
         from marts.after_sale_backlog
         where not is_stale and ($shop = '' or shop_id = $shop)
           and ($status = '' or coalesce(after_sale_status, '未知') = $status)`,
        {shop, status},
      );
      return row as {n: number; first: string | null};
    };
    const note = page.locator("[data-worklist]");
    const firstDeadline = page.locator('[data-table="worklist"] tbody tr:first-child td:nth-child(7)');
    const all = await expected("", "");
    expect(all.n).toBeGreaterThan(10);
    await expect.poll(() => note.getAttribute("data-total")).toBe(String(all.n));
    expect(await firstDeadline.textContent()).toBe(all.first);
    expect(await page.locator('[data-kpi="total"] .rs-kpi-value').textContent()).toBe(formatNumber(all.n));
    await expect.poll(() => page.locator("[data-snapshot]").textContent()).toContain("静态快照");
    const [asOf] = await query(
      "select strftime(as_of_at, '%Y-%m-%d %H:%M:%S') as t from intermediate.int_shop_as_of where shop_id = 'live-apparel'",
    );
    expect(await page.locator("[data-snapshot]").textContent()).toContain(`live-apparel ${asOf!.t}`);

    // One shop and its most common status.
    const [common] = await query(
      `select coalesce(after_sale_status, '未知') as status from marts.after_sale_backlog
       where not is_stale and shop_id = 'live-apparel' group by all order by count(*) desc, status limit 1`,
    );
    const status = String(common!.status);
    await page.selectOption('[data-filter="shop"] select', {label: "live-apparel"});
    await page.selectOption('[data-filter="status"] select', {label: status});
    const chosen = await expected("live-apparel", status);
    expect(chosen.n).toBeLessThan(all.n);
    await expect.poll(() => note.getAttribute("data-total")).toBe(String(chosen.n));
    expect(await firstDeadline.textContent()).toBe(chosen.first);
    const shops = await page.locator('[data-table="worklist"] tbody tr td:first-child').allTextContents();
    expect(new Set(shops)).toEqual(new Set(["live-apparel"]));

    // The CSV holds every listed row of the filter, with the 售后单号 and no buyer field.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator('[data-table="worklist"] [data-action="csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe("售后工作台.csv");
    const lines = (await readFile((await download.path())!)).subarray(3).toString("utf8").split("\r\n");
    expect(lines[0]!.split(",").slice(0, 4)).toEqual(["店铺", "售后单号", "售后类型", "售后状态"]);
    expect(lines.slice(1, -1)).toHaveLength(Number(await note.getAttribute("data-shown")));
    expect(lines.join("\n")).not.toMatch(/收件人|手机|地址/);
    await screenshot(page, "pages_worklist_filtered");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("platform page: each shop's latest 商品品质退货率 estimate and its band are the warehouse's", async () => {
    const {page, problems} = await open(site.url + "pages/platform.html");
    const latest = await query(
      `select shop_id, value, band::integer as band from marts.platform_score_daily as p
       where metric = 'product_quality_return_rate'
         and date = (select max(date) from marts.platform_score_daily as q where q.shop_id = p.shop_id)`,
    );
    expect(latest.length).toBeGreaterThan(1);
    for (const row of latest) {
      const card = page.locator(`[data-kpi="product_quality_return_rate:${row.shop_id}"]`);
      await expect.poll(() => card.getAttribute("data-value")).toBe(String(row.value));
      expect(await card.locator(".rs-kpi-value").textContent()).toBe(formatPercent(Number(row.value), 2));
      expect(await card.getAttribute("data-band")).toBe(String(row.band));
    }
    const [bands] = await query(
      `select count(*)::integer as n from marts.cost_assumptions
       where parameter = 'band_upper_bound' and key like 'product_quality_return_rate:%'`,
    );
    const chart = page.locator('[data-chart="platform-product_quality_return_rate"]');
    expect(await chart.getAttribute("data-bands")).toBe(String(bands!.n));
    expect(await page.locator("[data-assumptions]").textContent()).toContain("发货时间 + 3 天");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("risk page: flagged buyers by hashed key and late applications are the warehouse's", async () => {
    const {page, problems} = await open(site.url + "pages/risk.html");
    const buyers = await query("select buyer_risk_key from marts.risk_buyers");
    expect(buyers.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('[data-count="buyers"]').getAttribute("data-total"))
      .toBe(String(buyers.length));
    const shownKeys = await page
      .locator('[data-table="risk-buyers"] tbody tr td:nth-child(3)')
      .allTextContents();
    expect(new Set(shownKeys)).toEqual(new Set(buyers.map((b) => String(b.buyer_risk_key).slice(0, 12))));

    const late = page.locator('[data-count="late"]');
    const weeks = {from: (await late.getAttribute("data-from"))!, to: (await late.getAttribute("data-to"))!};
    const [expected] = await query(
      `select count(*)::integer as n from marts.risk_late_applications
       where date_trunc('week', applied_at)::date between $from::date and $to::date`,
      weeks,
    );
    expect(expected!.n).toBeGreaterThan(0);
    expect(Number(await late.getAttribute("data-total"))).toBe(expected!.n);
    expect(await page.locator('[data-rule="late"]').textContent()).toContain("超过 7 天");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("definitions page: docs/metrics.md as text", async () => {
    const {page, problems} = await open(site.url + "pages/definitions.html");
    const text = (await page.locator("main").textContent()) ?? "";
    expect(text).toContain("指标口径 · Metric definitions");
    expect(text).toContain("unit-return-rate");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("works from a sub-path of a static host", async () => {
    for (const path of PAGES) {
      const {page, problems} = await open(`${hosting.url}returnscope/${path}`);
      if (path === "index.html") await page.locator('[data-kpi="orders"]').waitFor();
      const links = await page
        .locator("#observablehq-sidebar a")
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const link of links) expect(link.startsWith(`${hosting.url}returnscope/`), link).toBe(true);
      expect(problems, path).toEqual([]);
      await page.context().close();
    }
  });

  it("a failed build leaves the previous site in place", async () => {
    const out = join(dir, "previous-site");
    await mkdir(out);
    await writeFile(join(out, "index.html"), "<p>yesterday</p>");
    const missing = join(dir, "missing.duckdb");
    await expect(buildSite({warehouse: missing, out, logger: memoryLogger()})).rejects.toThrow(
      /^data loader \w+: no warehouse at .*missing\.duckdb/,
    );
    expect(await readFile(join(out, "index.html"), "utf8")).toBe("<p>yesterday</p>");
    expect((await readdir(dir)).filter((name) => name.includes(".partial-"))).toEqual([]);
  });

  it("dist has no external URL and no buyer data", async () => {
    const scan = await scanSite(build.out);
    expect(scan.findings).toEqual([]);
    const ids = new Set(
      (
        await query(
          `select order_id as id from core.order_lines union select order_item_id from core.order_lines
           union select after_sale_id from core.after_sales`,
        )
      ).map((r) => String(r.id)),
    );
    expect(ids.size).toBeGreaterThan(1000);
    const files: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await readdir(folder, {withFileTypes: true}))
        if (entry.isDirectory()) await walk(join(folder, entry.name));
        else files.push(join(folder, entry.name));
    };
    await walk(build.out);
    const afterSaleIds = new Set(
      (await query("select after_sale_id from core.after_sales")).map((r) => String(r.after_sale_id)),
    );
    for (const file of files) {
      const name = relative(build.out, file);
      const text = await readFile(file, "utf8");
      for (const host of CDN_HOSTS) expect(text.includes(host), `${name}: ${host}`).toBe(false);
      if (/\.html$/.test(name) || name.startsWith("_import/")) {
        const external = [...text.matchAll(/https?:\/\/[^\s"'`<>)]+/g)]
          .map((m) => m[0])
          .filter((u) => !u.startsWith("http://www.w3.org/"));
        expect(external, name).toEqual([]);
      }
      for (const secret of buyerSecrets) expect(text.includes(secret), `${name}: ${secret}`).toBe(false);
      // No row of raw data: no 主订单编号 or 子订单编号 anywhere, and 售后单号 only in the capped work
      // lists of the 售后时效 (backlog and return parcels), 售后工作台 and 风险 pages and beside the products page's buyer comments (looked up
      // in the 抖店 backend; nothing about the buyer).
      const workList =
        /^_file\/data\/(after_sale_backlog\/urgent|after_sale_backlog\/worklist|return_parcels\/stuck|return_parcels\/flags|risk_shared_tracking|risk_late_applications\/list|appeal_candidates\/list|sku_comments)\.[0-9a-f]+\.json$/.test(
          name,
        );
      const leaked = [...text.matchAll(/\d{19}/g)]
        .map((m) => m[0])
        .filter((id) => ids.has(id) && !(workList && afterSaleIds.has(id)));
      expect(leaked, name).toEqual([]);
    }
  });
});
