import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {rows, runIngest, tempDir, testConfig} from "../helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({dir, cleanup} = await tempDir()));
afterEach(() => cleanup());

// The fast path numbers rows by their position in DuckDB's append (see load.ts). This file is large
// enough (≈ 40 MB) for DuckDB to read it with several threads, and its rows say their own number.
describe("row numbers on the fast path", () => {
  it("match the spreadsheet row of every record of a large CSV, after earlier files", async () => {
    const header = "主订单编号,子订单编号,商品ID,商品数量,订单状态,支付完成时间,选购商品\n";
    const small = join(dir, "first.csv");
    await writeFile(
      small,
      header + "6900000000000000001,6900000000000000001,1,1,已发货,2026-11-01 10:00:00,x\n",
    );
    const big = join(dir, "second.csv");
    const filler = "连衣裙".repeat(40);
    const lines: string[] = [];
    for (let row = 2; row <= 200_001; row++) {
      const id = String(7000000000000000000n + BigInt(row));
      // A quoted line break every 1000 rows: records, not lines, are rows.
      const name = row % 1000 === 0 ? `"第${row}行\n续"` : `${filler}${row}`;
      lines.push(`${id},${id},${row},1,已发货,2026-11-01 10:00:00,${name}`);
    }
    await writeFile(big, header + lines.join("\n") + "\n");
    const config = testConfig(dir, dir);
    const {warehouse, summary} = await runIngest(config, {
      files: [
        {path: small, displayPath: "first.csv", shop: "s"},
        {path: big, displayPath: "second.csv", shop: "s"},
      ],
    });
    try {
      expect(summary.files.map((f) => [f.status, f.rows_loaded])).toEqual([
        ["loaded", 1],
        ["loaded", 200_000],
      ]);
      const check = await rows(
        warehouse,
        `select count(*)::integer as n, count(*) filter (where source_row::varchar <> product_id)::integer as wrong
         from raw.order_lines join meta.ingest_log using (file_id) where path = 'second.csv'`,
      );
      expect(check).toEqual([{n: 200_000, wrong: 0}]);
    } finally {
      warehouse.close();
    }
  });
});
