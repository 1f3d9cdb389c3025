import {readdir} from "node:fs/promises";
import {join} from "node:path";

/**
 * The newest order export and the newest after-sale export of each shop, every workbook of it when
 * it had to be cut (售后单导出_20261122.xlsx, _2.xlsx …): "one more day".
 */
export async function newestFiles(inbox: string): Promise<Set<string>> {
  const newest = new Set<string>();
  for (const shop of await readdir(inbox)) {
    const files = await readdir(join(inbox, shop));
    for (const prefix of ["订单导出_", "售后单导出_"]) {
      const dayOf = (f: string) => f.slice(prefix.length, prefix.length + 8);
      const dated = files.filter((f) => f.startsWith(prefix));
      const last = dated.map(dayOf).sort().pop();
      for (const f of dated) if (dayOf(f) === last) newest.add(join(inbox, shop, f));
    }
  }
  return newest;
}
