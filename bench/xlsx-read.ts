/**
 * XLSX reading speed: exceljs' streaming reader against readXlsxRows, on a 200,000 × 50 sheet of
 * realistic after-sale export text. Each reader runs in its own child process so that its peak
 * RSS (process.resourceUsage().maxRSS) is its own.
 *
 *   node --import tsx bench/xlsx-read.ts [rows]
 */
import {execFileSync} from "node:child_process";
import {mkdtemp, rm, stat} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import ExcelJS from "exceljs";
import {readXlsxRows} from "../src/pipelines/ingest/xlsx/index.js";
import {writeXlsx, type XlsxCell} from "../src/pipelines/ingest/xlsx/write.js";

const COLUMNS = 50;

interface Measurement {
  seconds: number;
  rows: number;
  cells: number;
  maxRssMb: number;
}

const [mode, file] = process.argv.slice(2);
if (mode === "exceljs" || mode === "ours") {
  const measurement = mode === "exceljs" ? await readWithExceljs(file!) : await readWithOurs(file!);
  process.stdout.write(JSON.stringify(measurement));
} else {
  await main(Number(mode ?? 200_000));
}

async function main(rowCount: number): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "xlsx-bench-"));
  try {
    const file = path.join(dir, "after-sales.xlsx");
    let started = performance.now();
    await writeXlsx(file, sampleRows(rowCount));
    const size = (await stat(file)).size / 1e6;
    console.log(
      `wrote ${rowCount} × ${COLUMNS} in ${seconds(started)} s with writeXlsx (${size.toFixed(1)} MB)`,
    );
    const results: Record<string, Measurement> = {};
    for (const reader of ["exceljs", "ours"]) {
      started = performance.now();
      const output = execFileSync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), reader, file],
        {
          encoding: "utf8",
          maxBuffer: 1 << 20,
        },
      );
      const result = JSON.parse(output) as Measurement;
      results[reader] = result;
      const rate = Math.round(result.rows / result.seconds);
      console.log(
        `${reader.padEnd(8)} ${result.seconds.toFixed(2)} s, ${rate} rows/s, ${result.cells} cells, peak RSS ${result.maxRssMb} MB`,
      );
    }
    const ratio = results.exceljs!.seconds / results.ours!.seconds;
    console.log(`readXlsxRows is ${ratio.toFixed(1)}× faster than exceljs' streaming reader`);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

async function readWithExceljs(file: string): Promise<Measurement> {
  const started = performance.now();
  let rows = 0;
  let cells = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {sharedStrings: "cache", worksheets: "emit"});
  for await (const worksheet of reader) {
    for await (const row of worksheet) {
      rows++;
      for (const value of row.values as unknown[]) if (value !== undefined && value !== null) cells++;
    }
  }
  return measure(started, rows, cells);
}

async function readWithOurs(file: string): Promise<Measurement> {
  const started = performance.now();
  let rows = 0;
  let cells = 0;
  await readXlsxRows(file, (values) => {
    rows++;
    for (const value of values) if (value !== null) cells++;
  });
  return measure(started, rows, cells);
}

function measure(started: number, rows: number, cells: number): Measurement {
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return {seconds: (performance.now() - started) / 1000, rows, cells, maxRssMb};
}

function seconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(1);
}

/** Rows shaped like a Douyin after-sale export: IDs, names from small pools, money, timestamps. */
function* sampleRows(count: number): Generator<XlsxCell[]> {
  const products = [
    "【官方正品】珍珠奶茶味蛋白棒 12支装",
    "夏季新款冰丝阔腿裤女高腰垂感",
    "儿童保温杯 316不锈钢 带吸管 500ml",
    "无线蓝牙耳机 降噪 超长续航",
    "云南高山普洱茶 熟茶 357克饼",
    "加厚珊瑚绒四件套 冬季保暖",
    "速干运动T恤男 短袖 透气",
    "家用空气炸锅 5L 大容量 可视",
  ];
  const statuses = ["退款成功", "待商家处理", "待买家退货", "商家拒绝", "退款关闭", "平台介入中"];
  const reasons = ["七天无理由退货", "商品与描述不符", "质量问题", "尺码不合适", "少件/漏发", "不想要了"];
  const provinces = ["广东省", "浙江省", "江苏省", "山东省", "四川省", "河南省", "湖北省"];
  // mulberry32: deterministic, and its 32-bit integer arithmetic is exact in JavaScript.
  let seed = 42;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = (pool: string[]): string => pool[Math.floor(random() * pool.length)]!;
  const id = (): string =>
    `69${String(Math.floor(random() * 1e9)).padStart(9, "0")}${String(Math.floor(random() * 1e8)).padStart(8, "0")}`;
  const money = (): string => (Math.floor(random() * 50_000) / 100).toFixed(2);
  const time = (): string => {
    const date = new Date(Date.UTC(2026, 10, 1) + Math.floor(random() * 30 * 86_400) * 1000);
    return date.toISOString().slice(0, 19).replace("T", " ");
  };
  yield Array.from({length: COLUMNS}, (_, i) => `字段${i + 1}`);
  for (let r = 0; r < count; r++) {
    const row: XlsxCell[] = [];
    for (let c = 0; c < COLUMNS; c++) {
      switch (c % 10) {
        case 0:
        case 5:
          row.push(id());
          break;
        case 1:
          row.push(pick(products));
          break;
        case 2:
        case 7:
          row.push(money());
          break;
        case 3:
        case 8:
          row.push(time());
          break;
        case 4:
          row.push(pick(statuses));
          break;
        case 6:
          row.push(pick(reasons));
          break;
        default:
          row.push(random() < 0.1 ? null : pick(provinces));
      }
    }
    yield row;
  }
}
