import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {randomBytes} from "node:crypto";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import {XlsxError, ZipReader, ZipWriter} from "../../src/pipelines/ingest/xlsx/zip.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "zip-test-"));
});
afterAll(async () => {
  await rm(dir, {recursive: true, force: true});
});

const random = randomBytes(300_000);
const chunks = Array.from({length: 40}, (_, i) => Buffer.from(`line ${i} 行 ${"x".repeat(i * 100)}\n`));
const entries: [string, Buffer][] = [
  ["a.txt", Buffer.from("hello")],
  ["目录/名字.txt", Buffer.from("中文内容")],
  ["empty.txt", Buffer.alloc(0)],
  ["random.bin", random],
  ["chunks.txt", Buffer.concat(chunks)],
];

async function writeSample(name: string): Promise<string> {
  const file = path.join(dir, name);
  const zip = await ZipWriter.create(file);
  await zip.add("a.txt", "hello");
  await zip.add("目录/名字.txt", "中文内容");
  await zip.add("empty.txt", Buffer.alloc(0));
  await zip.add("random.bin", random);
  await zip.addStream(
    "chunks.txt",
    (async function* () {
      yield* chunks;
    })(),
  );
  await zip.finish();
  return file;
}

async function readAll(file: string): Promise<Map<string, {read: Buffer; streamed: Buffer}>> {
  const zip = await ZipReader.open(file);
  try {
    const contents = new Map<string, {read: Buffer; streamed: Buffer}>();
    for (const entry of zip.entries) {
      const streamed: Buffer[] = [];
      for await (const chunk of await zip.stream(entry)) streamed.push(chunk as Buffer);
      contents.set(entry.name, {read: await zip.read(entry), streamed: Buffer.concat(streamed)});
    }
    return contents;
  } finally {
    await zip.close();
  }
}

/** A zip of stored (uncompressed) entries with an archive comment, built without ZipWriter. */
function storedZip(files: [string, Buffer][], comment = "archive comment"): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([...locals, directory, end, Buffer.from(comment)]);
}

/** Offset of the first central directory record of a zip without archive comment. */
function centralDirectory(zip: Buffer): number {
  return zip.readUInt32LE(zip.length - 22 + 16);
}

async function failure(bytes: Buffer, read: "read" | "stream" = "read"): Promise<string> {
  const file = path.join(dir, `bad-${randomBytes(4).toString("hex")}.zip`);
  await writeFile(file, bytes);
  try {
    const zip = await ZipReader.open(file);
    try {
      const entry = zip.entries[0]!;
      if (read === "read") await zip.read(entry);
      else for await (const _ of await zip.stream(entry));
    } finally {
      await zip.close();
    }
  } catch (error) {
    expect(error).toBeInstanceOf(XlsxError);
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

describe("ZipWriter and ZipReader", () => {
  it("write entries that read back whole and streamed", async () => {
    const contents = await readAll(await writeSample("sample.zip"));
    expect([...contents.keys()]).toEqual(entries.map(([name]) => name));
    for (const [name, data] of entries) {
      expect(contents.get(name)!.read.equals(data), name).toBe(true);
      expect(contents.get(name)!.streamed.equals(data), name).toBe(true);
    }
  });

  it("patch CRC and sizes into the local headers", async () => {
    const bytes = await readFile(await writeSample("headers.zip"));
    const zip = await ZipReader.open(path.join(dir, "headers.zip"));
    await zip.close();
    for (const [name, data] of entries) {
      const entry = zip.get(name)!;
      const at = entry.localHeaderOffset;
      expect(bytes.readUInt32LE(at)).toBe(0x04034b50);
      expect(bytes.readUInt16LE(at + 8)).toBe(8);
      expect(bytes.readUInt32LE(at + 14)).toBe(zlib.crc32(data));
      expect(bytes.readUInt32LE(at + 18)).toBe(entry.compressedSize);
      expect(bytes.readUInt32LE(at + 22)).toBe(data.length);
    }
  });

  it("read stored entries of a zip with an archive comment", async () => {
    const file = path.join(dir, "stored.zip");
    await writeFile(
      file,
      storedZip([
        ["x/one.txt", Buffer.from("one")],
        ["two.txt", Buffer.from("二")],
      ]),
    );
    const contents = await readAll(file);
    expect(contents.get("x/one.txt")!.read.toString()).toBe("one");
    expect(contents.get("two.txt")!.streamed.toString()).toBe("二");
  });

  it("look entries up case-insensitively", async () => {
    const zip = await ZipReader.open(await writeSample("case.zip"));
    await zip.close();
    expect(zip.get("A.TXT")?.name).toBe("a.txt");
  });
});

describe("ZipReader errors", () => {
  it("reject an empty file", async () => {
    expect(await failure(Buffer.alloc(0))).toBe("not an XLSX file: the file is empty");
  });

  it("reject a file that is not a zip", async () => {
    expect(await failure(Buffer.from("order id,amount\n1,2\n"))).toBe("not an XLSX file: no zip signature");
  });

  it("reject a zip cut in the middle", async () => {
    const bytes = await readFile(await writeSample("cut.zip"));
    expect(await failure(bytes.subarray(0, bytes.length >> 1))).toBe(
      "corrupt zip: central directory not found",
    );
  });

  it("reject zip64", async () => {
    const bytes = storedZip([["a.txt", Buffer.from("a")]], "");
    bytes.writeUInt16LE(0xffff, bytes.length - 22 + 10);
    expect(await failure(bytes)).toBe("unsupported zip: zip64");
  });

  it("reject unknown compression methods and encryption", async () => {
    const method = storedZip([["a.txt", Buffer.from("a")]], "");
    method.writeUInt16LE(12, centralDirectory(method) + 10);
    expect(await failure(method)).toBe("unsupported zip compression method 12 for entry a.txt");
    const encrypted = storedZip([["a.txt", Buffer.from("a")]], "");
    encrypted.writeUInt16LE(1, centralDirectory(encrypted) + 8);
    expect(await failure(encrypted)).toBe("unsupported zip: entry a.txt is encrypted");
  });

  it("reject an entry that extends past the end of the file", async () => {
    const bytes = storedZip([["a.txt", Buffer.from("abc")]], "");
    bytes.writeUInt32LE(1_000_000, centralDirectory(bytes) + 20);
    expect(await failure(bytes)).toBe("corrupt zip: entry a.txt is truncated");
  });

  it("reject a stored entry whose content does not match its CRC", async () => {
    const bytes = storedZip([["a.txt", Buffer.from("abc")]], "");
    bytes[30 + "a.txt".length] = "x".charCodeAt(0);
    expect(await failure(bytes)).toBe("corrupt zip: entry a.txt fails its CRC check");
    expect(await failure(bytes, "stream")).toBe("corrupt zip: entry a.txt fails its CRC check");
  });

  it("reject corrupt and truncated deflate data", async () => {
    const bytes = await readFile(await writeSample("deflate.zip"));
    const zip = await ZipReader.open(path.join(dir, "deflate.zip"));
    await zip.close();
    const first = zip.entries[0]!;
    // 0xff starts a final block of the reserved type 3.
    const corrupt = Buffer.from(bytes);
    corrupt[first.localHeaderOffset + 30 + first.name.length] = 0xff;
    const expected = "corrupt zip: entry a.txt has corrupt compressed data (invalid block type)";
    expect(await failure(corrupt)).toBe(expected);
    expect(await failure(corrupt, "stream")).toBe(expected);

    const short = Buffer.from(bytes);
    short.writeUInt32LE(first.compressedSize - 2, centralDirectory(short) + 20);
    const truncated = "corrupt zip: entry a.txt has corrupt compressed data (unexpected end of file)";
    expect(await failure(short)).toBe(truncated);
    expect(await failure(short, "stream")).toBe(truncated);
  });
});
