import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, describe, expect, test} from "vitest";
import {DoudianApiError} from "../../src/pipelines/api/errors.js";
import {
  APP_SECRET,
  NOW,
  afterSale,
  bj,
  order,
  pullFixture,
  tablesContaining,
  type PullFixture,
} from "./pullFixture.js";

let f: PullFixture;
afterEach(async () => {
  await f?.close();
});

/**
 * Start of window k of the first incremental run: 10 days back (less the overlap, as every window
 * reaches back), a day long, each reaching 10 minutes into the previous one.
 */
const windowStart = (k: number) => NOW / 1000 - 10 * 86400 - 600 + k * (86400 - 600);

function seed(fixture: PullFixture): void {
  fixture.fake.afterSales.push(
    afterSale(1, {
      updateTime: bj("2026-11-03 10:00:00"),
      status: 12,
      refundFen: 129950,
      refundPostFen: 50,
      refundTime: bj("2026-11-03 10:00:00"),
    }),
    afterSale(2, {
      updateTime: bj("2026-11-04 12:00:00"),
      status: 7,
      type: 1,
      statusDeadline: bj("2026-11-11 12:00:00"),
    }),
    // In window 0 and, by the overlap, in window 1.
    afterSale(3, {updateTime: windowStart(1) + 300, status: 28}),
    // Three in window 5: two pages.
    afterSale(4, {updateTime: bj("2026-11-07 09:00:00"), refundFen: 10, payFen: 10}),
    afterSale(5, {updateTime: bj("2026-11-07 10:00:00"), refundFen: 20, payFen: 20}),
    afterSale(6, {updateTime: bj("2026-11-07 11:00:00"), type: 3, status: 13, refundFen: 0}),
    afterSale(7, {
      updateTime: bj("2026-11-10 20:00:00"),
      idAsString: true,
      returnShippedAt: bj("2026-11-10 19:00:00"),
      status: 11,
    }),
  );
  fixture.fake.orders.push(
    order(1, {updateTime: bj("2026-11-05 10:00:00")}),
    order(7, {
      updateTime: bj("2026-11-09 10:00:00"),
      status: 5,
      lines: [
        {
          skuOrderId: 7200000000000000071n,
          productId: 3600000000000000002n,
          spec: [
            {name: "颜色", value: "黑色"},
            {name: "尺码", value: "XL"},
          ],
          itemNum: 2,
          priceFen: 5990,
          payFen: 11000,
          code: "TS02-BK-XL",
        },
        {
          skuOrderId: 7200000000000000072n,
          productId: 3600000000000000002n,
          spec: [
            {name: "颜色", value: "白色"},
            {name: "尺码", value: "S"},
          ],
          itemNum: 1,
          priceFen: 5990,
          payFen: 5990,
          code: "TS02-WH-S",
        },
      ],
    }),
  );
}

describe("incremental pull", () => {
  test("after-sales and orders land in core with exact IDs, amounts in 元, Beijing times and export texts", async () => {
    f = await pullFixture();
    seed(f);
    const summary = await f.pull();
    expect(summary.endpoints.map((e) => [e.method, e.complete, e.rows])).toEqual([
      ["afterSale.List", true, 8], // after-sale 3 twice (overlap)
      ["order.searchList", true, 3],
    ]);
    expect(summary.ingest.failed).toBe(0);
    const sales = await f.all(
      `select after_sale_id, order_id, order_item_id, product_id, after_sale_type, after_sale_status, after_sale_status_group,
              applied_at::varchar as applied_at, refunded_at::varchar as refunded_at, deadline_at::varchar as deadline_at,
              return_shipped_at::varchar as return_shipped_at, payable_amount::varchar as payable,
              refund_goods_amount::varchar as goods, refund_freight_amount::varchar as freight, reason_group, version_count
       from core.after_sales order by after_sale_id`,
    );
    expect(sales.map((s) => s.after_sale_id)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => `710000000000000000${n}`),
    );
    expect(sales[0]).toEqual({
      after_sale_id: "7100000000000000001",
      order_id: "7200000000000000010",
      order_item_id: "7200000000000000011",
      product_id: "3600000000000000001",
      after_sale_type: "退货退款",
      after_sale_status: "同意退款，退款成功",
      after_sale_status_group: "succeeded",
      applied_at: "2026-11-03 09:00:00",
      refunded_at: "2026-11-03 10:00:00",
      deadline_at: null,
      return_shipped_at: null,
      payable: "1299.99",
      goods: "1299.50",
      freight: "0.50",
      reason_group: "尺码",
      version_count: 1,
    });
    expect(sales[1]).toMatchObject({
      after_sale_type: "已发货仅退款",
      after_sale_status: "待买家退货",
      deadline_at: "2026-11-11 12:00:00",
    });
    expect(sales[5]).toMatchObject({
      after_sale_type: "换货",
      after_sale_status: "补寄/换货，待买家收货",
      after_sale_status_group: "in_progress",
    });
    expect(sales[6]).toMatchObject({
      after_sale_status: "待商家收货",
      return_shipped_at: "2026-11-10 19:00:00",
    });
    // Decimal sums stay exact (0.10 + 0.20).
    expect(
      await f.all(
        "select sum(refund_goods_amount)::varchar as s from core.after_sales where after_sale_id in ('7100000000000000004', '7100000000000000005')",
      ),
    ).toEqual([{s: "0.30"}]);

    const lines = await f.all(
      `select order_item_id, order_id, product_id, color, size, size_source, quantity, unit_price_amount::varchar as price,
              payable_amount::varchar as payable, order_status, order_status_group, province_name, paid_at::varchar as paid_at
       from core.order_lines order by order_item_id`,
    );
    expect(lines).toEqual([
      {
        order_item_id: "7200000000000000011",
        order_id: "7200000000000000010",
        product_id: "3600000000000000001",
        color: "红色",
        size: "M",
        size_source: "商品规格",
        quantity: 1,
        price: "1299.99",
        payable: "1299.99",
        order_status: "已发货",
        order_status_group: "shipped",
        province_name: "广东省",
        paid_at: "2026-11-03 10:01:00",
      },
      {
        order_item_id: "7200000000000000071",
        order_id: "7200000000000000070",
        product_id: "3600000000000000002",
        color: "黑色",
        size: "XL",
        size_source: "商品规格",
        quantity: 2,
        price: "59.90",
        payable: "110.00",
        order_status: "已完成",
        order_status_group: "completed",
        province_name: "广东省",
        paid_at: "2026-11-07 10:01:00",
      },
      {
        order_item_id: "7200000000000000072",
        order_id: "7200000000000000070",
        product_id: "3600000000000000002",
        color: "白色",
        size: "S",
        size_source: "商品规格",
        quantity: 1,
        price: "59.90",
        payable: "59.90",
        order_status: "已完成",
        order_status_group: "completed",
        province_name: "广东省",
        paid_at: "2026-11-07 10:01:00",
      },
    ]);

    const checkpoints = await f.all(
      "select endpoint, run, epoch(done_until)::bigint as done, pending_start, windows_loaded from meta.api_checkpoints order by endpoint",
    );
    expect(checkpoints).toEqual([
      {
        endpoint: "afterSale.List",
        run: "incremental",
        done: String(NOW / 1000),
        pending_start: null,
        windows_loaded: "11",
      },
      {
        endpoint: "order.searchList",
        run: "incremental",
        done: String(NOW / 1000),
        pending_start: null,
        windows_loaded: "11",
      },
    ]);
    // Raw pages: 19-digit IDs exactly as sent (bare numbers), one Detail per after-sale and window.
    const raw = await f.all(
      `select count(*) filter (where endpoint = 'afterSale.Detail')::integer as details,
              count(*) filter (where body::varchar like '%"aftersale_id":7100000000000000001%')::integer as exact
       from raw.api_pages`,
    );
    expect(raw).toEqual([{details: 8, exact: 1}]);
    // The pulled files are export-format CSVs the ingest log knows. Window 0 holds after-sale 3 only
    // (applied 06:45, updated 07:45): the file's as-of is its update time, not its latest event.
    const files = await f.all(
      "select path, kind, shop_id, status, as_of::varchar as as_of from meta.ingest_log order by file_id limit 1",
    );
    expect(files[0]).toMatchObject({
      kind: "after_sale",
      shop_id: "my-shop",
      status: "loaded",
      as_of: "2026-11-03 07:45:00",
    });
    expect(String(files[0]!.path)).toMatch(
      /^pulled\/my-shop\/aftersales_20261102075000_20261103075000_[0-9a-f]{12}\.csv$/,
    );
    const text = await readFile(join(f.dir, String(files[0]!.path)), "utf8");
    expect(text.split("\n")[0]).toMatch(/^\uFEFF售后单号,订单号,商品单号,商品名称,商品ID,应付金额（元）/);
  });

  test("overlapping windows: the after-sale seen twice is one core row (two staged versions)", async () => {
    f = await pullFixture();
    seed(f);
    await f.pull();
    expect(
      await f.all(
        `select after_sale_id, count(*)::integer as versions from staging.after_sales group by all having count(*) > 1`,
      ),
    ).toEqual([{after_sale_id: "7100000000000000003", versions: 2}]);
    expect(
      await f.all(
        `select count(*)::integer as n, count(distinct after_sale_id)::integer as d from core.after_sales`,
      ),
    ).toEqual([{n: 7, d: 7}]);
    // A minute later, the next run pulls the overlap back: already known, nothing new in core.
    f.clock.ms += 60_000;
    const again = await f.pull();
    expect(again.endpoints.map((e) => e.windows)).toEqual([1, 1]);
    expect(await f.all(`select count(*)::integer as n from core.after_sales`)).toEqual([{n: 7}]);
  });

  test("a later update arrives in the next run and changes the state in core", async () => {
    f = await pullFixture({endpoints: ["after_sales"]});
    seed(f);
    await f.pull();
    f.clock.ms += 3600_000;
    const two = f.fake.afterSales.find((a) => a.id === 7100000000000000002n)!;
    Object.assign(two, {
      status: 11,
      updateTime: f.clock.seconds() - 60,
      returnShippedAt: f.clock.seconds() - 120,
    });
    await f.pull();
    expect(
      await f.all(
        `select after_sale_status, return_shipped_at::varchar as shipped, version_count from core.after_sales where after_sale_id = '7100000000000000002'`,
      ),
    ).toEqual([{after_sale_status: "待商家收货", shipped: "2026-11-12 08:58:00", version_count: 2}]);
  });
});

describe("crash and resume", () => {
  test("a window that fails mid-way leaves the checkpoint before it; the rerun loads the rest, nothing twice", async () => {
    f = await pullFixture({endpoints: ["after_sales"]});
    seed(f);
    // Page 1 (the second) of window 5 fails on every attempt: the run stops inside that window.
    f.fake.inject = (call) =>
      call.method === "afterSale.List" &&
      Number(call.params.page) === 1 &&
      Number(call.params.update_start_time) === windowStart(5)
        ? {status: 500, body: "upstream error"}
        : undefined;
    const error = await f.pull().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DoudianApiError);
    expect((error as DoudianApiError).kind).toBe("transient");
    expect(
      f.fake.calls.filter(
        (c) => Number(c.params.page) === 1 && Number(c.params.update_start_time) === windowStart(5),
      ),
    ).toHaveLength(3);
    expect(
      await f.all(
        `select epoch(done_until)::bigint as done, epoch(pending_start)::bigint as ps, epoch(pending_end)::bigint as pe, windows_loaded from meta.api_checkpoints`,
      ),
    ).toEqual([
      {
        done: String(windowStart(4) + 86400),
        ps: String(windowStart(5)),
        pe: String(windowStart(5) + 86400),
        windows_loaded: "5",
      },
    ]);
    expect(await f.all(`select after_sale_id from core.after_sales order by 1`)).toEqual(
      [1, 2, 3].map((n) => ({after_sale_id: `710000000000000000${n}`})),
    );
    expect(
      await f.all(
        `select count(*)::integer as n from raw.api_pages where window_start = to_timestamp(${windowStart(5)})`,
      ),
    ).toEqual([{n: 0}]);

    f.fake.inject = null;
    const summary = await f.pull();
    expect(f.logger.lines).toContain(
      "info: afterSale.List: resuming the window 2026-11-07 07:00:00 – 2026-11-08 07:00:00 that an earlier run did not finish",
    );
    expect(summary.endpoints[0]!.complete).toBe(true);
    expect(await f.all(`select after_sale_id, version_count from core.after_sales order by 1`)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({
        after_sale_id: `710000000000000000${n}`,
        version_count: n === 3 ? 2 : 1,
      })),
    );
    // Each window's pages once; each file once.
    expect(
      await f.all(
        `select count(*)::integer as n from (select endpoint, window_start, page, request_key from raw.api_pages group by all having count(*) > 1)`,
      ),
    ).toEqual([{n: 0}]);
    const files = await f.all(
      `select count(*)::integer as n, count(distinct sha256)::integer as d from meta.ingest_log where status = 'loaded'`,
    );
    expect(files[0]!.n).toBe(files[0]!.d);
  });

  test("stopped after the file loaded but before the checkpoint: the rerun skips the file and moves on", async () => {
    f = await pullFixture({endpoints: ["after_sales"]});
    seed(f);
    let crashes = 0;
    const fault = (step: string) => {
      if (step === "before-checkpoint" && crashes++ === 2) throw new Error("killed");
    };
    await expect(f.pull({fault})).rejects.toThrow("killed");
    const loaded = await f.all(`select count(*)::integer as n from meta.ingest_log where status = 'loaded'`);
    const summary = await f.pull();
    expect(summary.ingest.skipped).toBe(1);
    expect(f.logger.lines.some((l) => /resuming the window/.test(l))).toBe(true);
    expect(await f.all(`select count(*)::integer as n from staging.after_sales`)).toEqual([{n: 8}]);
    expect(Number(loaded[0]!.n)).toBeGreaterThan(0);
  });

  test("a run stopped by its signal ends between windows and continues next time", async () => {
    f = await pullFixture({endpoints: ["after_sales"]});
    seed(f);
    const controller = new AbortController();
    let windows = 0;
    const summary = await f.pull({
      signal: controller.signal,
      fault: (step) => {
        if (step === "before-checkpoint" && ++windows === 3) controller.abort();
      },
    });
    expect(summary.stopped).toBe(true);
    expect(summary.endpoints[0]!.windows).toBe(3);
    expect((await f.pull()).endpoints[0]!.windows).toBe(8);
  });
});

describe("backfill", () => {
  test("by apply date; a finished backfill is not pulled again unless restarted", async () => {
    f = await pullFixture({endpoints: ["after_sales"], details: false});
    seed(f);
    const summary = await f.pull({from: "2026-11-07", to: "2026-11-07"});
    expect(summary.run).toBe("backfill 2026-11-07..2026-11-07");
    expect(await f.all(`select after_sale_id from core.after_sales order by 1`)).toEqual(
      [4, 5, 6].map((n) => ({after_sale_id: `710000000000000000${n}`})),
    );
    expect(f.fake.callsTo("afterSale.List")[0]!.params).toMatchObject({order_by: ["apply_time asc"]});
    expect((await f.pull({from: "2026-11-07", to: "2026-11-07"})).endpoints[0]!.windows).toBe(0);
    expect((await f.pull({from: "2026-11-07", to: "2026-11-07", restart: true})).endpoints[0]!.windows).toBe(
      1,
    );
    await expect(f.pull({from: "2026-11-08", to: "2026-11-07"})).rejects.toThrow(
      "backfill: --from 2026-11-08 is after --to 2026-11-07",
    );
    await expect(f.pull({from: "2026-11-08"})).rejects.toThrow("a backfill needs both --from and --to");
  });

  test("a window with more items than allowed is halved until it fits", async () => {
    f = await pullFixture({endpoints: ["after_sales"], maxRowsPerWindow: 2, details: false});
    seed(f);
    await f.pull({from: "2026-11-07", to: "2026-11-07"});
    expect(f.logger.lines.filter((l) => /holds 3 items: halving it/.test(l)).length).toBeGreaterThan(0);
    expect(await f.all(`select count(*)::integer as n from core.after_sales`)).toEqual([{n: 3}]);
  });
});

describe("secrets and PII", () => {
  test("the app secret and tokens are in no log line, error or warehouse table; buyer PII only hashed", async () => {
    f = await pullFixture();
    seed(f);
    await f.pull();
    f.fake.expireAccessTokens();
    f.clock.ms += 3600_000;
    await f.pull(); // refresh on the way
    const secrets = [APP_SECRET, ...f.fake.issued];
    expect(f.fake.issued.length).toBe(4);
    const logText = f.logger.lines.join("\n");
    for (const secret of secrets) expect(logText).not.toContain(secret);
    expect(logText).toContain("access token refreshed");
    const pulled = join(f.dir, "pulled", "my-shop");
    const csv = (
      await Promise.all((await readdir(pulled)).map((name) => readFile(join(pulled, name), "utf8")))
    ).join("\n");
    for (const secret of [...secrets, "PII"]) expect(csv).not.toContain(secret);
    await f.query(async (warehouse) => {
      for (const secret of [...secrets, "Q7TAG"])
        expect(await tablesContaining(warehouse, secret)).toEqual([]);
      expect(await tablesContaining(warehouse, "PII")).toEqual([]);
      // The same buyer fields, hashed: present.
      expect(await tablesContaining(warehouse, "7100000000000000007")).toContain("raw.api_pages");
    });
  });

  test("bad credentials: the pull fails at once, naming the cause, and stores nothing", async () => {
    f = await pullFixture({}, "wrong-secret-WX5R");
    seed(f);
    const error = (await f.pull().catch((e: unknown) => e)) as DoudianApiError;
    expect(error.kind).toBe("credentials");
    expect(error.message).toContain("platform code 40003, isv.signature-invalid");
    expect(error.message).not.toContain("wrong-secret-WX5R");
    expect(f.fake.calls).toHaveLength(1);
    expect(f.clock.sleeps).toEqual([]);
    expect(
      await f.all(`select count(*)::integer as n from meta.api_checkpoints where pending_start is not null`),
    ).toEqual([{n: 1}]);
    expect(await f.all(`select count(*)::integer as n from raw.api_pages`)).toEqual([{n: 0}]);
  });
});
