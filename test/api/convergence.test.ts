/**
 * The same after-sale (and 子订单) in an export and through the API is one row of core, in its
 * latest state, whatever the order of loading. Exports: test/helpers.ts writeAfterSaleFixtures
 * (v1 of 2026-11-06, v2 of 2026-11-10) and fixtures/orders_a.csv.
 */
import {join} from "node:path";
import {mkdir} from "node:fs/promises";
import {afterEach, describe, expect, test} from "vitest";
import {discoverPaths} from "../../src/pipelines/ingest/discover.js";
import {coreSnapshot, fixture, runIngest, writeAfterSaleFixtures} from "../helpers.js";
import {afterSale, bj, order, pullFixture, type PullFixture} from "./pullFixture.js";

let f: PullFixture;
afterEach(async () => {
  await f?.close();
});

function seedPlatform(fixture: PullFixture): void {
  fixture.fake.afterSales.push(
    // Refunded on 11-09: the API knows, export v1 (11-06) doesn't yet.
    afterSale(0, {
      id: 7000000000000000001n,
      orderId: 6900000000000000001n,
      skuOrderId: 6900000000000000011n,
      productId: 3500000000000000001n,
      type: 0,
      status: 12,
      applyTime: bj("2026-11-05 10:00:00"),
      updateTime: bj("2026-11-09 10:00:00"),
      refundTime: bj("2026-11-09 10:00:00"),
      refundFen: 129900,
      payFen: 129900,
    }),
    // Approved on 11-06 10:00, a change without an event time in the list: v1 (11-06 09:00) still
    // shows 待商家处理 with the same latest event (the application). The pulled file's as-of (its
    // update time) is what orders the two; export v2 then closes it (售后关闭时间 11-07 09:00).
    afterSale(0, {
      id: 7000000000000000002n,
      orderId: 6900000000000000002n,
      skuOrderId: 6900000000000000021n,
      productId: 3500000000000000002n,
      type: 1,
      status: 7,
      applyTime: bj("2026-11-06 08:00:00"),
      updateTime: bj("2026-11-06 10:00:00"),
      refundFen: 9900,
      payFen: 9900,
      reason: "做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）",
    }),
  );
  fixture.fake.orders.push(
    order(0, {
      orderId: 6900000000000000001n,
      status: 5,
      createTime: bj("2026-11-01 10:00:00"),
      payTime: bj("2026-11-01 10:01:00"),
      shipTime: bj("2026-11-02 09:00:00"),
      updateTime: bj("2026-11-05 10:00:00"),
      lines: [
        {
          skuOrderId: 6900000000000000011n,
          productId: 3500000000000000001n,
          spec: [
            {name: "颜色", value: "黑色"},
            {name: "尺码", value: "S"},
          ],
          itemNum: 1,
          priceFen: 129900,
          payFen: 129900,
          code: "LS01-BK-S",
        },
      ],
    }),
  );
}

async function ingestFiles(fx: PullFixture, paths: string[]): Promise<void> {
  const {warehouse, summary} = await runIngest(fx.config, {files: await discoverPaths(paths, "my-shop")});
  warehouse.close();
  expect(summary.failed).toBe(0);
}

const STATE = `select after_sale_id, after_sale_status, after_sale_status_group, approved_at::varchar as approved_at,
    refunded_at::varchar as refunded_at, closed_at::varchar as closed_at, return_carrier,
    refund_goods_amount::varchar as goods, version_count
  from core.after_sales order by after_sale_id`;

describe("export + API → one core row in the latest state", () => {
  test("exports first, then the API, then a later export", async () => {
    f = await pullFixture();
    seedPlatform(f);
    const exports = join(f.dir, "exports");
    await mkdir(exports);
    const {v1, v2} = await writeAfterSaleFixtures(exports);
    await ingestFiles(f, [v1, fixture("orders_a.csv")]);
    await f.pull();
    expect(await f.all(STATE)).toEqual([
      {
        after_sale_id: "7000000000000000001",
        after_sale_status: "同意退款，退款成功",
        after_sale_status_group: "succeeded",
        approved_at: "2026-11-05 12:00:00", // kept from the export: the API has no approval time
        refunded_at: "2026-11-09 10:00:00",
        closed_at: null,
        return_carrier: "中通快递",
        goods: "1299.00",
        version_count: 2,
      },
      {
        after_sale_id: "7000000000000000002",
        after_sale_status: "待买家退货",
        after_sale_status_group: "in_progress",
        approved_at: null,
        refunded_at: null,
        closed_at: null,
        return_carrier: null,
        goods: "99.00",
        version_count: 2,
      },
    ]);
    const line = await f.all(
      `select order_item_id, order_status, completed_at, color, size, quantity, version_count from core.order_lines where order_item_id = '6900000000000000011'`,
    );
    expect(line).toEqual([
      {
        order_item_id: "6900000000000000011",
        order_status: "已完成",
        completed_at: null,
        color: "黑色",
        size: "S",
        quantity: 1,
        version_count: 2,
      },
    ]);

    await ingestFiles(f, [v2]);
    const state = await f.all(STATE);
    expect(state.map((s) => [s.after_sale_id, s.after_sale_status, s.version_count])).toEqual([
      ["7000000000000000001", "同意退款，退款成功", 3],
      ["7000000000000000002", "售后关闭", 3],
      ["7000000000000000003", "换货成功", 1],
    ]);
  });

  test("the same core, whatever the order of loading", async () => {
    const results = [];
    for (const apiFirst of [false, true]) {
      f = await pullFixture();
      seedPlatform(f);
      const exports = join(f.dir, "exports");
      await mkdir(exports);
      const {v1, v2} = await writeAfterSaleFixtures(exports);
      if (apiFirst) {
        await f.pull();
        await ingestFiles(f, [v2, fixture("orders_a.csv"), v1]);
      } else {
        await ingestFiles(f, [v1, fixture("orders_a.csv"), v2]);
        await f.pull();
      }
      results.push(
        await f.query(async (warehouse) => {
          const snapshot = await coreSnapshot(warehouse);
          return {after_sales: snapshot.after_sales, order_lines: snapshot.order_lines};
        }),
      );
      await f.close();
    }
    expect(results[1]).toEqual(results[0]);
    f = undefined as unknown as PullFixture;
  });
});
