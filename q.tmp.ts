import {DuckDBInstance} from "@duckdb/node-api";
const [db, ...sqls] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db!);
const c = await inst.connect();
for (const sql of sqls) {
  const t = performance.now();
  const r = await c.runAndReadAll(sql);
  console.log(JSON.stringify(r.getRowObjectsJson()).slice(0, 1500), ((performance.now()-t)/1000).toFixed(2)+"s");
}
