/** A warehouse, a fake platform and a pull function wired together, for the pull tests. */
import {mkdir} from "node:fs/promises";
import {join} from "node:path";
import {normalizeApiConfig, type ApiConfig} from "../../src/pipelines/api/settings.js";
import {pullApi, type PullOptions, type PullSummary} from "../../src/pipelines/api/pull.js";
import type {Config} from "../../src/pipelines/config.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {Warehouse, type Row} from "../../src/pipelines/warehouse.js";
import {tempDir, testConfig} from "../helpers.js";
import {FakeDoudian, TestClock, type FakeAfterSale, type FakeOrder} from "./fakeDoudian.js";

export const APP_KEY = "7301234567890123456";
export const APP_SECRET = "appsecret-K3X9-must-never-be-stored";
export const SHOP_ID = "88886666";

/** Beijing wall-clock text → Unix seconds. */
export function bj(text: string): number {
  return Date.parse(text.replace(" ", "T") + "+08:00") / 1000;
}

/** 2026-11-12 08:00 Beijing. */
export const NOW = Date.UTC(2026, 10, 12, 0, 0, 0);

export function afterSale(n: number, fields: Partial<FakeAfterSale> & {updateTime: number}): FakeAfterSale {
  return {
    id: 7100000000000000000n + BigInt(n),
    orderId: 7200000000000000000n + BigInt(n) * 10n,
    skuOrderId: 7200000000000000000n + BigInt(n) * 10n + 1n,
    productId: 3600000000000000001n,
    type: 0,
    status: 7,
    applyTime: fields.updateTime - 3600,
    refundFen: 129950,
    refundPostFen: 0,
    payFen: 129999,
    spec: [
      {name: "颜色", value: "红色"},
      {name: "尺码", value: "M"},
    ],
    reason: "大小／尺寸／重量与商品描述不符",
    ...fields,
  };
}

export function order(n: number, fields: Partial<FakeOrder> & {updateTime: number}): FakeOrder {
  return {
    orderId: 7200000000000000000n + BigInt(n) * 10n,
    status: 3,
    createTime: fields.updateTime - 2 * 86400,
    payTime: fields.updateTime - 2 * 86400 + 60,
    shipTime: fields.updateTime - 86400,
    province: "广东省",
    city: "广州市",
    town: "天河区",
    receiver: "王五PII",
    tel: "13700000000PII",
    address: "PII某某路8号",
    lines: [
      {
        skuOrderId: 7200000000000000000n + BigInt(n) * 10n + 1n,
        productId: 3600000000000000001n,
        spec: [
          {name: "颜色", value: "红色"},
          {name: "尺码", value: "M"},
        ],
        itemNum: 1,
        priceFen: 129999,
        payFen: 129999,
        code: "DR01-RD-M",
      },
    ],
    ...fields,
  };
}

export interface PullFixture {
  dir: string;
  config: Config & {api: ApiConfig};
  clock: TestClock;
  fake: FakeDoudian;
  logger: ReturnType<typeof memoryLogger>;
  pull: (options?: Partial<PullOptions>) => Promise<PullSummary>;
  /** Opens the warehouse, runs fn, closes it. */
  query: <T>(fn: (warehouse: Warehouse) => Promise<T>) => Promise<T>;
  all: (sql: string) => Promise<Row[]>;
  close: () => Promise<void>;
}

export async function pullFixture(
  api: Record<string, unknown> = {},
  appSecret = APP_SECRET,
): Promise<PullFixture> {
  const {dir, cleanup} = await tempDir();
  const inbox = join(dir, "inbox");
  await mkdir(inbox, {recursive: true});
  const clock = new TestClock(NOW);
  const fake = new FakeDoudian({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    shopId: SHOP_ID,
    now: clock.seconds,
    tokenTag: "Q7TAG",
  });
  await fake.start();
  const config = {
    ...testConfig(dir, inbox, {defaultShop: "my-shop"}),
    api: normalizeApiConfig(
      {
        tokenFile: join(dir, "secrets", "doudian-tokens.json"),
        pageSize: 2,
        windowMinutes: 1440,
        overlapMinutes: 10,
        initialLookbackDays: 10,
        qps: 1000,
        burst: 1000,
        backoffMs: 100,
        maxAttempts: 3,
        ...api,
      },
      "test config",
    ),
  };
  const logger = memoryLogger();
  const pull = (options: Partial<PullOptions> = {}) =>
    pullApi(config, {
      logger,
      secrets: {appKey: APP_KEY, appSecret, shopId: SHOP_ID, authCode: null, gateway: fake.url},
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1,
      ...options,
    });
  const query = async <T>(fn: (warehouse: Warehouse) => Promise<T>): Promise<T> => {
    const warehouse = await Warehouse.open(config.warehouse);
    try {
      return await fn(warehouse);
    } finally {
      warehouse.close();
    }
  };
  return {
    dir,
    config,
    clock,
    fake,
    logger,
    pull,
    query,
    all: (sql) => query((w) => w.all(sql)),
    close: async () => {
      await fake.close();
      await cleanup();
    },
  };
}

/** Tables and views (schema.name) with a row whose text contains the needle. */
export async function tablesContaining(warehouse: Warehouse, needle: string): Promise<string[]> {
  const tables = await warehouse.all(
    "select table_schema, table_name from information_schema.tables where table_schema not in ('information_schema', 'pg_catalog') and table_catalog = current_database()",
  );
  const hits: string[] = [];
  for (const {table_schema, table_name} of tables) {
    const name = `"${table_schema}"."${table_name}"`;
    const row = await warehouse.one(
      `select count(*)::integer as n from ${name} as r where r::varchar like $needle`,
      {
        needle: `%${needle}%`,
      },
    );
    if (Number(row?.n) > 0) hits.push(`${table_schema}.${table_name}`);
  }
  return hits;
}
