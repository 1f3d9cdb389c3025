/**
 * How values look in the platform's exports (text money, Beijing timestamps without a zone, CSV
 * quoting) and the file sink that writes them in UTF-8 or GB18030.
 */
import {open, rename, rm, type FileHandle} from "node:fs/promises";

/**
 * Times are whole seconds on the Beijing wall clock, counted as if it were UTC. The exports carry no
 * zone, so this keeps formatting independent of the machine's time zone.
 */
export type BeijingSeconds = number;

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86400;

const dayText = new Map<number, string>();

/** `YYYY-MM-DD` → day number (days since 1970-01-01). */
export function parseDay(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new Error(`invalid date: expected YYYY-MM-DD, got ${JSON.stringify(text)}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = ms / 86_400_000;
  if (formatDay(day) !== text) throw new Error(`invalid date: ${text} does not exist`);
  return day;
}

/** Day number → `YYYY-MM-DD`. */
export function formatDay(day: number): string {
  let text = dayText.get(day);
  if (text === undefined) {
    text = new Date(day * 86_400_000).toISOString().slice(0, 10);
    dayText.set(day, text);
  }
  return text;
}

/** Day number → `YYYYMMDD`, as in export file names. */
export function compactDay(day: number): string {
  return formatDay(day).replaceAll("-", "");
}

/** `YYYY-MM-DD HH:MM:SS`; string building by hand because this runs millions of times. */
export function formatTime(seconds: BeijingSeconds): string {
  const s = Math.floor(seconds);
  const day = Math.floor(s / DAY);
  let rest = s - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MINUTE);
  const sec = rest - m * MINUTE;
  return `${formatDay(day)} ${pad2(h)}:${pad2(m)}:${pad2(sec)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Integer fen → text in 元 with two decimals and `,` thousands separators, as exports show it. */
export function formatMoney(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(Math.round(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs - yuan * 100;
  let whole = String(yuan);
  if (yuan >= 1000) whole = whole.replace(/\B(?=(\d{3})+$)/g, ",");
  return `${sign}${whole}.${cents < 10 ? "0" : ""}${cents}`;
}

/** Money as a merchant's own spreadsheet writes it (no separators). */
export function plainMoney(fen: number): string {
  return (fen / 100).toFixed(2);
}

const needsQuotes = /[",\r\n]/;

/** RFC 4180 quoting, only where needed (tabs stay bare, as in the platform's files). */
export function csvLine(cells: readonly string[], eol: string): string {
  let line = "";
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (i > 0) line += ",";
    line += needsQuotes.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
  }
  return line + eol;
}

let gbTable: Map<number, number> | undefined;

/**
 * GB18030 two-byte table, built by decoding every GBK byte pair with the platform's own decoder:
 * Node has no GB18030 encoder, and the characters the sample uses all lie in the two-byte range.
 */
function gb18030Table(): Map<number, number> {
  if (gbTable) return gbTable;
  const table = new Map<number, number>();
  const decoder = new TextDecoder("gb18030");
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const text = decoder.decode(pair);
      const code = text.codePointAt(0);
      if (text.length === 1 && code !== undefined && code !== 0xfffd && !table.has(code)) {
        table.set(code, (lead << 8) | trail);
      }
    }
  }
  gbTable = table;
  return table;
}

export function encodeGb18030(text: string): Buffer {
  const table = gb18030Table();
  const out = Buffer.allocUnsafe(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out[n++] = code;
      continue;
    }
    const bytes = table.get(code);
    if (bytes === undefined) {
      throw new Error(`GB18030: no two-byte code for ${JSON.stringify(text[i])} (U+${code.toString(16)})`);
    }
    out[n++] = bytes >> 8;
    out[n++] = bytes & 0xff;
  }
  return out.subarray(0, n);
}

export interface SinkOptions {
  encoding: "utf8" | "gb18030";
  bom: boolean;
}

/**
 * Buffered text file writer. Writes to `<file>.partial` and renames on close, so a crash never leaves
 * a half-written export that an ingest run would pick up.
 */
export class TextSink {
  /** Text is encoded straight into this buffer; joining it into big strings first was the bottleneck. */
  private readonly buffer = Buffer.allocUnsafe(4 << 20);
  private used = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
    private readonly encoding: SinkOptions["encoding"],
  ) {}

  static async open(file: string, options: SinkOptions): Promise<TextSink> {
    const handle = await open(`${file}.partial`, "w");
    const sink = new TextSink(handle, file, options.encoding);
    if (options.bom) await handle.write(Buffer.from([0xef, 0xbb, 0xbf]));
    return sink;
  }

  async write(text: string): Promise<void> {
    if (this.encoding === "gb18030") {
      const bytes = encodeGb18030(text);
      if (this.used + bytes.length > this.buffer.length) await this.flush();
      if (bytes.length > this.buffer.length) await this.handle.write(bytes);
      else this.used += bytes.copy(this.buffer, this.used);
      return;
    }
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (this.used + text.length * 3 > this.buffer.length) await this.flush();
    if (text.length * 3 > this.buffer.length) await this.handle.write(Buffer.from(text, "utf8"));
    else this.used += this.buffer.write(text, this.used, "utf8");
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    for (let done = 0; done < used;)
      done += (await this.handle.write(this.buffer, done, used - done)).bytesWritten;
  }

  /** Drops the partial file; for use when writing failed. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(`${this.file}.partial`, {force: true});
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
    await rename(`${this.file}.partial`, this.file);
  }
}
