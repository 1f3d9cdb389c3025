import {readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {
  detectEncoding,
  parseFirstRecord,
  renumberCsv,
  sniffFormat,
} from "../../src/pipelines/ingest/source.js";
import {tempDir} from "../helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({dir, cleanup} = await tempDir()));
afterEach(() => cleanup());

describe("encodings and formats", () => {
  it("tells UTF-8 (with or without BOM) from GB18030 and UTF-16", () => {
    expect(detectEncoding(Buffer.from("\uFEFF主订单编号", "utf8"), true)).toBe("utf-8");
    expect(detectEncoding(Buffer.from("主订单编号,子订单编号", "utf8"), true)).toBe("utf-8");
    // 主订单编号 in GB18030, bytes written out by hand (Python: "主订单编号".encode("gb18030")).
    expect(
      detectEncoding(Buffer.from([0xd6, 0xf7, 0xb6, 0xa9, 0xb5, 0xa5, 0xb1, 0xe0, 0xba, 0xc5]), true),
    ).toBe("gb18030");
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x3b, 0x4e]), true)).toBe("utf-16le");
    // A sample cut in the middle of a UTF-8 character is still UTF-8.
    const cut = Buffer.from("订单编号", "utf8").subarray(0, 7);
    expect(detectEncoding(cut, false)).toBe("utf-8");
  });

  it("sniffs zip, text and binary content", () => {
    expect(sniffFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe("xlsx");
    expect(sniffFormat(Buffer.from("a,b\n1,2\n"))).toBe("csv");
    expect(sniffFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))).toBe("binary");
    expect(sniffFormat(Buffer.alloc(0))).toBe("empty");
  });

  it("parses a quoted header record", () => {
    expect(parseFirstRecord('"a,1","b""2",c\nx,y,z', ",").fields).toEqual(["a,1", 'b"2', "c"]);
  });
});

describe("renumberCsv (the careful path)", () => {
  it("numbers records as spreadsheet rows across quoted line breaks and reports ragged rows", async () => {
    const from = join(dir, "in.csv");
    const to = join(dir, "out.csv");
    await writeFile(from, '\uFEFFa,b\r\n1,"x\r\ny"\r\n2,3,4\r\n\r\n5,"q""q"\r\n6,7,,\r\n');
    const {malformed, width} = await renumberCsv(from, to, "utf-8", ",");
    expect(width).toBe(2);
    expect(malformed).toEqual([{row: 3, reason: "row has 3 cells but the header has 2", text: "2,3,4"}]);
    // Row 4 is the blank line (skipped); trailing empty cells beyond the header are tolerated.
    expect(await readFile(to, "utf8")).toBe('__source_row,c0,c1\n2,1,"x\r\ny"\n5,5,"q""q"\n6,6,7\n');
  });

  it("decodes GB18030 in chunks without splitting characters", async () => {
    const from = join(dir, "gbk.csv");
    const to = join(dir, "out.csv");
    const text = "名称,数量\n" + Array.from({length: 80000}, (_, i) => `连衣裙${i},${i}`).join("\n") + "\n";
    // Encode with a decoder-built reverse map: Node has no GB18030 encoder.
    const decoder = new TextDecoder("gb18030");
    const map = new Map<string, number[]>();
    for (let hi = 0x81; hi <= 0xfe; hi++)
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        const ch = decoder.decode(Uint8Array.of(hi, lo));
        if (ch.length === 1 && !map.has(ch)) map.set(ch, [hi, lo]);
      }
    const bytes: number[] = [];
    for (const ch of text) bytes.push(...(ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : map.get(ch)!));
    await writeFile(from, Buffer.from(bytes));
    expect(bytes.length).toBeGreaterThan(1 << 20); // more than one read chunk
    const {malformed} = await renumberCsv(from, to, "gb18030", ",");
    expect(malformed).toEqual([]);
    const out = (await readFile(to, "utf8")).split("\n");
    expect(out[1]).toBe("2,连衣裙0,0");
    expect(out[80000]).toBe("80001,连衣裙79999,79999");
  });
});
