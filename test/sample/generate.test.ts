/**
 * The sample generator writes real export formats and plants the stories truth.json describes. Every
 * check here reads the written files back with its own CSV parser and ExcelJS, and compares against
 * headers and value sets typed in from domain.md, so it does not trust the generator's constants.
 */
import {mkdtemp, readdir, readFile, rm} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  generateSample,
  xlsxParts,
  XLSX_MAX_DATA_ROWS,
  type SampleResult,
} from "../../src/pipelines/sample/generate.js";

const ORDERS = 3000;

// domain.md §1.2 Variant A, §1.2 Variant B, §1.3, as written there.
const VARIANT_A = `主订单编号, 子订单编号, 支付方式, 选购商品, 货号, 商品ID, 商家编码, 商品数量, 商品金额,
订单提交时间, 支付完成时间, 订单完成时间, 承诺发货时间, 预约发货时间, 买家留言, 旗帜颜色,
商家备注, APP渠道, 订单状态, 取消原因, 售后状态, 订单类型, 发货时间, 车型, 是否是以旧换新,
换新额外补贴, 换新额外补贴发放状态, 订单应付金额, 运费, 优惠总金额, 平台优惠, 商家优惠, 达人优惠,
商家改价, 支付优惠, 手续费, 红包抵扣, 降价类优惠, 平台实际承担优惠金额, 商家实际承担优惠金额,
达人实际承担优惠金额, 收件人, 收件人手机号, 省, 市, 区, 街道, 详细地址, 是否修改过地址, 快递信息,
序列号, 达人ID, 达人昵称, 拼团订单团编号, 商品单价是否含税, 税费, 鲁班落地页ID, 所属门店ID,
流量来源, 仓库ID, 仓库名称, 是否安心购, 广告渠道, 流量类型, 流量体裁, 流量渠道, 发货主体,
发货主体明细, 教育优惠, 预计送达时间, 是否平台仓自流转, 是否是渠道商品, 预约送达时间,
建议发货时间（起）, 建议发货时间（止）`;
const VARIANT_B = `主订单编号, 子订单编号, 商品ID, 商品数量, 选购商品, 商品规格, 商品单价, 订单应付金额, 支付方式,
手续费, 收件人, 收件人手机号, 省, 市, 区, 街道, 详细地址, 买家留言, 订单提交时间, 商家备注,
订单完成时间, 支付完成时间, APP渠道, 流量来源, 订单状态, 发货时间, 承诺发货时间, 订单类型,
达人ID, 达人昵称, 售后状态, 取消原因, 预约发货时间, 是否安心购, 广告渠道, 平台实际承担优惠金额,
商家实际承担优惠金额, 达人实际承担优惠金额, 预计送达时间`;
const AFTER_SALE = `售后单号, 订单号, 商品单号, 商品名称, 商品ID, 应付金额（元）, 商品运费（元）, 支付优惠（元）,
商品税费（元）, 商品发货状态, 售后类型, 退商品金额（元）, 退运费金额（元）, 退支付优惠（元）,
退税费金额（元）, 售后状态, 售后申请时间, 退款方式, 是否已上传退款凭证, 售后原因, 售后原因标签,
退货物流单号, 退货异常, 退货发货时间, 退货物流公司, 自动处理截止时间, 同意售后申请时间,
商家退款时间, 用户到账时间, 售后关闭时间, 商家退货地址, 商家退货联系人姓名, 商家退货联系人电话,
仲裁状态, 纠纷责任方, 是否极速退款, 是否拒签后退款, 发货物流单号, 发货物流状态, 换货物流单号,
退货物流状态, 售后完结时间, 订单备注, 用户售后说明, 售后备注, 操作人, 协商记录, 换货商品信息,
商家编码, 门店名称`;
const BASICS_AFTER_SALE = `售后单号, 订单号, 商品单号, 商品名称, 商品ID, 商家编码, 售后类型, 售后状态, 售后申请时间,
申请原因, 退商品金额（元）, 退运费金额（元）, 退货物流单号, 退货物流公司, 退货发货时间, 商家退款时间,
售后关闭时间, 售后完结时间, 自动处理截止时间, 用户售后说明, 商品发货状态`;
const headers = (text: string) => text.split(/,\s*/).map((h) => h.trim());

/** domain.md §6.1, codes 1–34. */
const OFFICIAL_REASONS =
  `多拍 / 错拍 / 不想要|未按约定时间发货|快递一直未送达|快递无跟踪记录|收到商品少件 / 错件 / 空包裹|
不喜欢 / 效果不好|做工粗糙 / 有瑕疵 / 破损或污渍|功能故障|效果与商品描述不符|商品材质 / 品牌 / 外观等描述不符|
生产日期 / 保质期 / 规格等描述不符|假冒品牌|协商一致退款|缺货|其他|大小／尺寸／重量与商品描述不符|
生产日期／保质期与商品描述不符|品种／规格／成分等描述不符|商品腐烂/变质|少件／漏发|包装／商品破损|商家发错货|
与商家协商一致退款|退运费|品种／产品／规格／成分等描述不符|商品腐烂／变质／死亡|商品变质／过期|规格等描述不符|
收到商品少件／错件／空包裹|盗版|做工粗糙 / 有瑕疵 / 有污渍|产品破损 / 损坏|商品材质 / 外观等描述不符|使用后过敏`
    .split("|")
    .map((t) => t.trim());
/** The §6.1 normalisation: drop a （…）suffix, unify slashes and spaces. */
const normaliseReason = (text: string) =>
  text
    .replace(/[（(][^）)]*[）)]$/, "")
    .replace(/／/g, "/")
    .replace(/\s+/g, "");
const OFFICIAL_NORMALISED = new Set(OFFICIAL_REASONS.map(normaliseReason));

type Row = Record<string, string>;

interface LoadedSample {
  dir: string;
  result: SampleResult;
  liveOrders: {name: string; rows: Row[]; raw: string[][]}[];
  liveAfterSales: {name: string; rows: Row[]}[];
  basicsCsv: Row[];
  basicsCsvRaw: string[][];
  basicsCsvBytes: Buffer;
  basicsXlsx: Row[];
  basicsAfterSales: Row[];
  skuMaster: Row[];
}

let sample: LoadedSample;
/** XLSX cells ExcelJS did not read back as strings, as "file!row:column". */
const nonTextCells: string[] = [];
let twin: string;
let other: string;
const temps: string[] = [];

beforeAll(async () => {
  const dir = await temp();
  const result = await generateSample({outDir: dir, orders: ORDERS});
  sample = await load(dir, result);
  twin = await temp();
  await generateSample({outDir: twin, orders: ORDERS});
  other = await temp();
  await generateSample({outDir: other, orders: ORDERS, seed: 7});
});

afterAll(async () => {
  for (const dir of temps) await rm(dir, {recursive: true, force: true});
});

describe("generateSample", () => {
  it("writes the same bytes for the same seed and different ones for another seed", async () => {
    const files = await listFiles(sample.dir);
    expect(files).toEqual(await listFiles(twin));
    for (const file of files) {
      const a = await readFile(path.join(sample.dir, file));
      const b = await readFile(path.join(twin, file));
      const same = a.equals(b);
      expect(same, file).toBe(true);
    }
    const orderFile = "inbox/live-apparel/订单导出_20261129.csv";
    const mine = await readFile(path.join(sample.dir, orderFile));
    const theirs = await readFile(path.join(other, orderFile));
    expect(mine.equals(theirs)).toBe(false);
  });

  it("lays the files out like a merchant's inbox", async () => {
    const orderDays = days("2026-08-09", "2026-11-29", 7);
    const afterSaleDays = [...days("2026-08-04", "2026-11-26", 3), "20261129"];
    expect(orderDays).toHaveLength(17);
    expect(afterSaleDays).toHaveLength(40);
    const live = [
      ...orderDays.map((d) => `inbox/live-apparel/订单导出_${d}.csv`),
      ...afterSaleDays.map((d) => `inbox/live-apparel/售后单导出_${d}.xlsx`),
      "inbox/live-apparel/商品档案.csv",
    ];
    const basics = ["orders_2022layout.csv", "orders_recent.xlsx", "after_sales.csv"].map(
      (f) => `inbox/basics-store/${f}`,
    );
    const expected = [...live, ...basics, "truth.json"];
    expect([...sample.result.files].sort()).toEqual([...expected].sort());
    expect(await listFiles(sample.dir)).toEqual([...expected].sort());
    const truth = JSON.parse(await readFile(path.join(sample.dir, "truth.json"), "utf8"));
    expect(truth).toEqual(JSON.parse(JSON.stringify(sample.result.truth)));
    expect(sample.result.orderLines).toBe(ORDERS);
  });

  it("writes the exact headers, encodings and line endings of each export", async () => {
    for (const {name, raw} of sample.liveOrders) expect(raw[0], name).toEqual(headers(VARIANT_A));
    const first = await readFile(path.join(sample.dir, "inbox/live-apparel/订单导出_20261129.csv"));
    expect([...first.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    for (const {name, rows} of sample.liveAfterSales)
      expect(Object.keys(rows[0] ?? {}), name).toEqual(headers(AFTER_SALE));

    const gb = sample.basicsCsvBytes;
    expect([...gb.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(() => new TextDecoder("utf-8", {fatal: true}).decode(gb)).toThrow();
    const text = new TextDecoder("gb18030", {fatal: true}).decode(gb);
    expect(text.split("\n").length - 1).toBe(text.split("\r\n").length - 1);
    expect(sample.basicsCsvRaw[0]).toEqual(headers(VARIANT_B));
    expect(Object.keys(sample.basicsXlsx[0] ?? {})).toEqual([...headers(VARIANT_B), "商家编码"]);
    expect(Object.keys(sample.basicsAfterSales[0] ?? {})).toEqual(headers(BASICS_AFTER_SALE));
    expect(Object.keys(sample.skuMaster[0] ?? {})).toEqual([
      "商家编码",
      "商品ID",
      "款号",
      "颜色",
      "尺码",
      "品类",
      "成本价",
    ]);
  });

  it("keeps every ID a 19-digit string that joins", () => {
    const lines = liveLines();
    for (const row of allLiveOrderRows()) {
      const main = clean(row.主订单编号);
      const child = clean(row.子订单编号);
      expect(main).toMatch(/^69\d{17}$/);
      expect(child).toMatch(/^\d{19}$/);
      expect(child).not.toBe(main);
      expect(clean(row.商品ID)).toMatch(/^\d{19}$/);
      expect(clean(row.达人ID)).toMatch(/^(\d{1,19}|-|--|)$/);
    }
    const afterSales = [...latestAfterSales().values(), ...sample.basicsAfterSales];
    const basics = basicsLines();
    for (const row of afterSales) {
      expect(clean(row.售后单号)).toMatch(/^(7\d{18}|14\d{17})$/);
      const line = lines.get(clean(row.商品单号)) ?? basics.get(clean(row.商品单号));
      expect(line, row.商品单号).toBeDefined();
      expect(clean(line?.主订单编号)).toBe(clean(row.订单号));
    }
    for (const row of sample.basicsCsv) expect(clean(row.子订单编号)).toMatch(/^\d{19}$/);
  });

  it("carries every format quirk of the real exports", () => {
    const orders = allLiveOrderRows();
    const afterSaleRows = sample.liveAfterSales.flatMap((e) => e.rows);
    // Excel-forcing tabs: before IDs in the weekly CSV, after them in the 2022 CSV; apostrophes in one file.
    expect(orders.every((r) => r.主订单编号?.startsWith("\t") && r.商家编码?.endsWith("\t"))).toBe(true);
    expect(sample.basicsCsv.every((r) => r.子订单编号?.endsWith("\t"))).toBe(true);
    expect(sample.basicsAfterSales.some((r) => r.售后单号?.startsWith("'"))).toBe(true);
    expect(sample.basicsAfterSales.some((r) => r.售后单号?.startsWith("\t"))).toBe(true);
    // Empty values.
    const cells = orders.flatMap((r) => Object.values(r));
    for (const empty of ["-", "--", ""]) expect(cells, JSON.stringify(empty)).toContain(empty);
    // Money as text with two decimals and thousands separators.
    const money = /^-?\d{1,3}(,\d{3})*\.\d{2}$/;
    const moneyCells = [
      ...orders.flatMap((r) => [r.商品金额, r.订单应付金额, r.运费, r.平台优惠, r.支付优惠]),
      ...afterSaleRows.flatMap((r) => [r["应付金额（元）"], r["退商品金额（元）"], r["退支付优惠（元）"]]),
    ];
    for (const value of moneyCells) expect(value).toMatch(money);
    expect(moneyCells.some((v) => v?.includes(","))).toBe(true);
    expect(afterSaleRows.some((r) => r["退支付优惠（元）"]?.startsWith("-"))).toBe(true);
    // Timestamps.
    const time = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    for (const row of [...orders, ...sample.basicsCsv]) {
      for (const column of ["订单提交时间", "支付完成时间", "发货时间", "订单完成时间"]) {
        const value = clean(row[column]);
        if (!isNil(value)) expect(value).toMatch(time);
      }
    }
    // Provinces in mixed spellings, masked buyers.
    const provinces = new Set(orders.map((r) => r.省));
    for (const p of ["广东省", "广东", "广西壮族自治区"]) expect(provinces).toContain(p);
    expect(["内蒙", "内蒙古", "内蒙古自治区"].filter((p) => provinces.has(p)).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(provinces.has("海外") || provinces.has("-")).toBe(true);
    for (const row of orders) {
      expect(row.收件人).toMatch(/^\p{Script=Han}{1,2}\*{1,2}$/u);
      expect(row.收件人手机号).toMatch(/^1\d{2}\*{4}\d{4}$/);
      expect(row.详细地址).toMatch(/\*{4}$/);
      if (!isNil(row.快递信息)) expect(row.快递信息).toMatch(/^\p{Script=Han}+,[A-Z0-9]{10,16}$/u);
    }
    // Reason texts: both slash styles, the quality suffix, and texts outside the official list.
    const reasons = new Set([
      ...afterSaleRows.map((r) => r.售后原因),
      ...sample.basicsAfterSales.map((r) => r.申请原因),
    ]);
    expect([...reasons].some((r) => r?.startsWith("做工粗糙 / 有瑕疵 / 破损或污渍"))).toBe(true);
    expect([...reasons].some((r) => r?.startsWith("做工粗糙／有瑕疵／破损或污渍"))).toBe(true);
    expect([...reasons].some((r) => r?.endsWith("（商品品质原因）"))).toBe(true);
    const unknown = sample.result.truth.unknownReasonTexts;
    expect(unknown.length).toBeGreaterThanOrEqual(2);
    for (const text of unknown) {
      expect(reasons).toContain(text);
      expect(OFFICIAL_NORMALISED.has(normaliseReason(text))).toBe(false);
    }
    // Quantities, unit price vs line payable.
    const quantities = orders.map((r) => Number(r.商品数量));
    expect(quantities.filter((q) => q === 1).length / quantities.length).toBeGreaterThan(0.75);
    expect(new Set(quantities)).toEqual(new Set([1, 2, 3]));
    for (const row of orders) {
      const merchant = isNil(row.商家优惠) ? 0 : fen(row.商家优惠?.slice(row.商家优惠.lastIndexOf("-") + 1));
      const payable =
        fen(row.商品金额) * Number(row.商品数量) +
        fen(row.运费) -
        fen(row.平台优惠) -
        merchant -
        fen(row.达人优惠);
      expect(fen(row.订单应付金额)).toBe(payable);
      expect(fen(row.优惠总金额)).toBe(fen(row.平台优惠) + merchant + fen(row.达人优惠) + fen(row.支付优惠));
      const paid = seconds(row.支付完成时间) - seconds(row.订单提交时间);
      expect(paid).toBeGreaterThanOrEqual(60);
      expect(paid).toBeLessThanOrEqual(1800);
      if (!isNil(row.发货时间))
        expect(seconds(row.发货时间) - seconds(row.支付完成时间)).toBeLessThanOrEqual(3 * 86400);
    }
    // Product names that need escaping later, size codes, spec styles, channels.
    const names = new Set(orders.map((r) => r.选购商品));
    expect([...names].some((n) => n?.includes("<script>alert(1)</script>"))).toBe(true);
    expect(sample.basicsXlsx.some((r) => r.选购商品?.includes("&"))).toBe(true);
    const sizes = new Set(orders.map((r) => clean(r.商家编码).split("-").at(-1)));
    for (const size of ["S", "M", "L", "XL", "XXL", "2XL", "均码"]) expect(sizes).toContain(size);
    const specs = sample.basicsCsv.map((r) => r.商品规格 ?? "");
    expect(specs.some((s) => /^颜色:[^;]+;尺码:.+$/.test(s))).toBe(true);
    expect(specs.some((s) => /^[^:：;；]+;[^:：;；]+$/.test(s))).toBe(true);
    expect(specs.some((s) => /^颜色：[^；]+；尺码：.+$/.test(s))).toBe(true);
    expect(new Set(orders.map((r) => r.APP渠道))).toEqual(new Set(["抖音", "抖音极速版", "抖音火山版"]));
    const genres = new Set(orders.map((r) => r.流量体裁));
    for (const g of ["直播", "短视频", "商品卡", "其他"]) expect(genres).toContain(g);
    // Free text with phone numbers the pipeline must mask.
    const comments = [...afterSaleRows, ...sample.basicsAfterSales].filter((r) =>
      /1\d{10}/.test(r.用户售后说明 ?? ""),
    );
    expect(comments.length).toBeGreaterThan(0);
    expect(new Set(comments.map((r) => clean(r.售后单号)))).toEqual(
      new Set(sample.result.truth.commentsWithPhone),
    );
  });

  it("writes every XLSX cell as text", () => {
    expect(nonTextCells).toEqual([]);
  });

  it("shows states as of each export date, with overlapping windows", () => {
    for (const {name, rows} of sample.liveOrders) {
      const exportDay = dayOf(name);
      for (const row of rows) {
        const created = seconds(row.订单提交时间);
        expect(created).toBeGreaterThanOrEqual(exportDay - 14 * 86400);
        expect(created).toBeLessThan(exportDay);
        expect(["待发货", "已发货", "已完成", "已关闭"]).toContain(row.订单状态);
        if (row.订单状态 === "待发货") expect(isNil(row.发货时间)).toBe(true);
        if (row.订单状态 === "已完成") expect(isNil(row.订单完成时间)).toBe(false);
      }
    }
    // The same line in two weekly exports, in a later state in the later one.
    const seen = new Map<string, string>();
    let progressed = 0;
    for (const {rows} of sample.liveOrders) {
      for (const row of rows) {
        const id = clean(row.子订单编号);
        const before = seen.get(id);
        if (before !== undefined && before !== `${row.订单状态}/${row.售后状态}`) progressed++;
        seen.set(id, `${row.订单状态}/${row.售后状态}`);
      }
    }
    expect(progressed).toBeGreaterThan(100);

    const statusesById = new Map<string, Set<string>>();
    for (const {name, rows} of sample.liveAfterSales) {
      const exportDay = dayOf(name);
      const window = name.endsWith("20261129.xlsx") ? 45 : 10;
      for (const row of rows) {
        const applied = seconds(row.售后申请时间);
        expect(applied).toBeGreaterThanOrEqual(exportDay - window * 86400);
        expect(applied).toBeLessThan(exportDay);
        const id = clean(row.售后单号);
        statusesById.set(id, (statusesById.get(id) ?? new Set()).add(row.售后状态 ?? ""));
      }
    }
    const allStatuses = new Set([...statusesById.values()].flatMap((s) => [...s]));
    for (const s of [
      "待商家处理",
      "待买家退货",
      "待商家收货",
      "同意退款，退款成功",
      "售后关闭",
      "换货成功",
    ]) {
      expect(allStatuses).toContain(s);
    }
    expect([...statusesById.values()].filter((s) => s.size > 1).length).toBeGreaterThan(300);
    const truth = sample.result.truth.shops;
    expect(statusesById.size).toBe(truth["live-apparel"].afterSales);
    expect(sample.basicsAfterSales).toHaveLength(truth["basics-store"].afterSales);
    expect(sample.result.afterSales).toBe(statusesById.size + sample.basicsAfterSales.length);

    for (const row of latestAfterSales().values()) {
      expect(["退货退款", "已发货仅退款", "未发货仅退款", "换货"]).toContain(row.售后类型);
      expect(row.商品发货状态).toBe(row.售后类型 === "未发货仅退款" ? "未发货" : "已发货");
      if (row.售后类型 === "换货") expect(row.退款方式).toBe("无需退款");
    }
    // The basics XLSX repeats two weeks of the CSV with later states.
    const csvState = new Map(
      sample.basicsCsv.map((r) => [clean(r.子订单编号), `${r.订单状态}/${r.售后状态}`]),
    );
    const overlap = sample.basicsXlsx.filter((r) => csvState.has(clean(r.子订单编号)));
    expect(overlap.length).toBeGreaterThan(20);
    expect(overlap.some((r) => csvState.get(clean(r.子订单编号)) !== `${r.订单状态}/${r.售后状态}`)).toBe(
      true,
    );
  });

  it("covers every SKU code used with the SKU master", () => {
    const master = new Set(sample.skuMaster.map((r) => r.商家编码));
    for (const row of allLiveOrderRows()) expect(master).toContain(clean(row.商家编码));
    for (const row of latestAfterSales().values()) expect(master).toContain(clean(row.商家编码));
  });

  it("plants the stories where an independent count finds them", () => {
    const truth = sample.result.truth;
    const lines = [...liveLines().values()];
    const afterSales = latestAfterSales();
    const byLine = new Map<string, Row[]>();
    for (const row of afterSales.values()) {
      const id = clean(row.商品单号);
      byLine.set(id, [...(byLine.get(id) ?? []), row]);
    }
    const returned = (line: Row) =>
      (byLine.get(clean(line.子订单编号)) ?? []).some((r) => r.售后状态 !== "售后关闭");
    const rate = (group: Row[], isReturned = returned) => {
      const units = group.reduce((sum, l) => sum + Number(l.商品数量), 0);
      const back = group.filter(isReturned).reduce((sum, l) => sum + Number(l.商品数量), 0);
      return back / units;
    };
    const overall = rate(lines);
    expect(overall).toBeGreaterThan(0.33);
    expect(overall).toBeLessThan(0.45);
    const returnedUnits = lines.filter(returned).reduce((sum, l) => sum + Number(l.商品数量), 0);
    expect(returnedUnits).toBe(truth.shops["live-apparel"].returned.returnedUnits);

    // 1. Sizes that run small.
    const small = truth.stories.sizesRunSmall;
    const dress = lines.filter((l) => clean(l.商品ID) === small.productId);
    const size = (l: Row) => clean(l.商家编码).split("-").at(-1) ?? "";
    const smallRate = rate(dress.filter((l) => small.smallSizes.includes(size(l))));
    const refRate = rate(dress.filter((l) => ["L", "XL"].includes(size(l))));
    expect(smallRate / refRate).toBeGreaterThan(1.8);

    // 2. Defective SKUs: quality returns far above the rest, and more returns overall.
    const defective = new Set(truth.stories.defectiveSkus.skuCodes);
    expect(defective.size).toBeGreaterThanOrEqual(2);
    const quality = (line: Row) =>
      (byLine.get(clean(line.子订单编号)) ?? []).some(
        (r) => /做工粗糙|包装／商品破损/.test(r.售后原因 ?? "") && r.售后状态 !== "售后关闭",
      );
    const bad = lines.filter((l) => defective.has(clean(l.商家编码)));
    const good = lines.filter((l) => !defective.has(clean(l.商家编码)));
    expect(rate(bad, quality)).toBeGreaterThan(3 * rate(good, quality));
    expect(rate(bad)).toBeGreaterThan(1.25 * rate(good));

    // 3. Remote provinces return more, and their parcels take longer to come back.
    const remote = (l: Row) => /^(新疆|西藏|青海)/.test(l.省 ?? "");
    expect(rate(lines.filter(remote))).toBeGreaterThan(1.15 * overall);
    for (const p of ["广东", "浙江"]) {
      expect(Math.abs(rate(lines.filter((l) => l.省?.startsWith(p))) - overall)).toBeLessThan(0.08);
    }
    const province = new Map(lines.map((l) => [clean(l.子订单编号), l.省 ?? ""]));
    const transit = (isRemote: boolean) => {
      const days = [...afterSales.values()]
        .filter((r) => !isNil(r.退货发货时间) && !isNil(r.商家退款时间))
        .filter((r) => /^(新疆|西藏|青海)/.test(province.get(clean(r.商品单号)) ?? "") === isRemote)
        .map((r) => (seconds(r.商家退款时间) - seconds(r.退货发货时间)) / 86400);
      return days.reduce((a, b) => a + b, 0) / days.length;
    };
    expect(transit(true) - transit(false)).toBeGreaterThan(2);

    // 4. Live-stream orders return far more than product-card orders.
    const genre = (g: string) => lines.filter((l) => l.流量体裁 === g);
    expect(rate(genre("直播"))).toBeGreaterThan(1.6 * rate(genre("商品卡")));

    // 5. One influencer's audience returns far more.
    const high = truth.stories.influencer.highReturn.id;
    const viaInfluencer = lines.filter((l) => !isNil(clean(l.达人ID)));
    const highRate = rate(viaInfluencer.filter((l) => clean(l.达人ID) === high));
    expect(highRate).toBeGreaterThan(0.5);
    expect(highRate).toBeGreaterThan(1.4 * rate(viaInfluencer.filter((l) => clean(l.达人ID) !== high)));

    // 6. Refund-only abusers, found by their masked name + phone + address.
    const buyer = new Map(
      lines.map((l) => [clean(l.子订单编号), `${l.收件人}|${l.收件人手机号}|${l.详细地址}`]),
    );
    const claims = new Map<string, number>();
    for (const row of afterSales.values()) {
      if (
        row.售后类型 !== "已发货仅退款" ||
        !/^(快递一直未送达|未收到货|快递无跟踪记录)$/.test(row.售后原因 ?? "")
      )
        continue;
      const key = buyer.get(clean(row.商品单号)) ?? "?";
      claims.set(key, (claims.get(key) ?? 0) + 1);
    }
    const abusers = truth.stories.refundOnlyAbuse.buyers.map(
      (b) => `${b.收件人}|${b.收件人手机号}|${b.详细地址}`,
    );
    expect(abusers.length).toBeGreaterThanOrEqual(3);
    for (const key of abusers) expect(claims.get(key) ?? 0, key).toBeGreaterThanOrEqual(6);
    const others = [...claims].filter(([key]) => !abusers.includes(key)).map(([, n]) => n);
    expect(Math.max(0, ...others)).toBeLessThanOrEqual(3);

    // 7. Maturity: the latest orders show fewer returns yet, most of all the last week's.
    const createdFrom = (day: string) =>
      lines.filter((l) => seconds(l.订单提交时间) >= seconds(`${day} 00:00:00`));
    const mature = lines.filter(
      (l) =>
        seconds(l.订单提交时间) >= seconds("2026-08-24 00:00:00") &&
        seconds(l.订单提交时间) < seconds("2026-10-23 00:00:00"),
    );
    expect(rate(createdFrom("2026-11-16"))).toBeLessThan(0.75 * rate(mature));
    expect(rate(createdFrom("2026-11-02"))).toBeLessThan(0.9 * rate(mature));

    // The basics shop returns far less.
    const basics = [...basicsLines().values()];
    const basicsReturned = new Set(
      sample.basicsAfterSales.filter((r) => r.售后状态 !== "售后关闭").map((r) => clean(r.商品单号)),
    );
    const basicsRate = rate(basics, (l) => basicsReturned.has(clean(l.子订单编号)));
    expect(basicsRate).toBeGreaterThan(0.08);
    expect(basicsRate).toBeLessThan(0.16);
    expect(basics).toHaveLength(truth.shops["basics-store"].orderLines);
    expect(lines).toHaveLength(truth.shops["live-apparel"].orderLines);
  });

  it("rejects options it cannot honour", async () => {
    await expect(generateSample({outDir: ""})).rejects.toThrow("outDir");
    await expect(generateSample({outDir: sample.dir, orders: 3})).rejects.toThrow(
      "orders must be an integer >= 10, got 3",
    );
    await expect(generateSample({outDir: sample.dir, endDate: "2026-02-30"})).rejects.toThrow("2026-02-30");
  });
});

// ---------------------------------------------------------------------------------------------

async function temp(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "returnscope-sample-"));
  temps.push(dir);
  return dir;
}

async function load(dir: string, result: SampleResult): Promise<LoadedSample> {
  const liveDir = path.join(dir, "inbox/live-apparel");
  const basicsDir = path.join(dir, "inbox/basics-store");
  const names = (await readdir(liveDir)).sort();
  const liveOrders = [];
  for (const name of names.filter((n) => n.startsWith("订单导出_"))) {
    const text = await readFile(path.join(liveDir, name), "utf8");
    const raw = parseCsv(text.replace(/^\uFEFF/, ""));
    liveOrders.push({name, rows: records(raw), raw});
  }
  const liveAfterSales = [];
  for (const name of names.filter((n) => n.startsWith("售后单导出_"))) {
    liveAfterSales.push({name, rows: records(await readXlsx(path.join(liveDir, name)))});
  }
  const basicsCsvBytes = await readFile(path.join(basicsDir, "orders_2022layout.csv"));
  const basicsCsvRaw = parseCsv(new TextDecoder("gb18030").decode(basicsCsvBytes));
  return {
    dir,
    result,
    liveOrders,
    liveAfterSales,
    basicsCsv: records(basicsCsvRaw),
    basicsCsvRaw,
    basicsCsvBytes,
    basicsXlsx: records(await readXlsx(path.join(basicsDir, "orders_recent.xlsx"))),
    basicsAfterSales: records(parseCsv(await readFile(path.join(basicsDir, "after_sales.csv"), "utf8"))),
    skuMaster: records(parseCsv(await readFile(path.join(liveDir, "商品档案.csv"), "utf8"))),
  };
}

function allLiveOrderRows(): Row[] {
  return sample.liveOrders.flatMap((e) => e.rows);
}

/** Each live order line in its latest export (exports are read oldest first). */
function liveLines(): Map<string, Row> {
  return new Map(allLiveOrderRows().map((r) => [clean(r.子订单编号), r]));
}

function basicsLines(): Map<string, Row> {
  return new Map([...sample.basicsCsv, ...sample.basicsXlsx].map((r) => [clean(r.子订单编号), r]));
}

/** Each live after-sale in the latest export that shows it. */
function latestAfterSales(): Map<string, Row> {
  return new Map(sample.liveAfterSales.flatMap((e) => e.rows).map((r) => [clean(r.售后单号), r]));
}

async function readXlsx(file: string): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const rows: string[][] = [];
  const sheet = book.worksheets[0];
  const width = sheet?.getRow(1).cellCount ?? 0;
  sheet?.eachRow((row, r) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const value = row.getCell(c).value;
      if (value !== null && value !== undefined && typeof value !== "string") {
        nonTextCells.push(`${path.basename(file)}!${r}:${c}`);
      }
      cells.push(value === null || value === undefined ? "" : String(value));
    }
    rows.push(cells);
  });
  return rows;
}

/** RFC 4180, either line ending. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

function records(rows: string[][]): Row[] {
  const [head, ...body] = rows;
  if (!head) return [];
  return body.map((cells) => {
    expect(cells).toHaveLength(head.length);
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ""]));
  });
}

function clean(value: string | undefined): string {
  return (value ?? "").replace(/\t/g, "").replace(/^'/, "");
}

function isNil(value: string | undefined): boolean {
  return value === undefined || value === "" || value === "-" || value === "--";
}

function fen(value: string | undefined): number {
  return Math.round(Number((value ?? "").replace(/,/g, "")) * 100);
}

/** Beijing wall-clock seconds, zone-free like the exports. */
function seconds(value: string | undefined): number {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(clean(value));
  if (!match) throw new Error(`not a timestamp: ${JSON.stringify(value)}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) / 1000;
}

/** Midnight of the YYYYMMDD in an export file name. */
function dayOf(name: string): number {
  const digits = /_(\d{4})(\d{2})(\d{2})\./.exec(name);
  if (!digits) throw new Error(`no date in ${name}`);
  return seconds(`${digits[1]}-${digits[2]}-${digits[3]} 00:00:00`);
}

/** YYYYMMDD from first to last inclusive, every `step` days. */
function days(first: string, last: string, step: number): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${first}T00:00:00Z`);
    t <= Date.parse(`${last}T00:00:00Z`);
    t += step * 86_400_000
  ) {
    out.push(new Date(t).toISOString().slice(0, 10).replaceAll("-", ""));
  }
  return out;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), {withFileTypes: true})) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, relative)));
    else out.push(relative);
  }
  return out.sort();
}

describe("xlsxParts: exports longer than a sheet", () => {
  it("keeps an export that fits whole, even an empty one", () => {
    expect(xlsxParts("售后单导出_20261122.xlsx", [1, 2, 3], 3)).toEqual([
      {name: "售后单导出_20261122.xlsx", rows: [1, 2, 3]},
    ]);
    expect(xlsxParts("售后单导出_20261122.xlsx", [], 3)).toEqual([
      {name: "售后单导出_20261122.xlsx", rows: []},
    ]);
  });

  it("cuts a longer one into numbered workbooks, every row once and in order", () => {
    expect(xlsxParts("售后单导出_20261122.xlsx", [1, 2, 3, 4, 5, 6, 7], 3)).toEqual([
      {name: "售后单导出_20261122.xlsx", rows: [1, 2, 3]},
      {name: "售后单导出_20261122_2.xlsx", rows: [4, 5, 6]},
      {name: "售后单导出_20261122_3.xlsx", rows: [7]},
    ]);
  });

  it("fills a sheet to Excel's last row by default (1,048,576 rows with the header)", () => {
    expect(XLSX_MAX_DATA_ROWS + 1).toBe(2 ** 20);
  });
});
