/**
 * Just enough of the zip format for XLSX: reading through the central directory (stored and deflate
 * entries, no zip64, no encryption) and writing entries sequentially with deflate.
 */
import {open, type FileHandle} from "node:fs/promises";
import {createReadStream} from "node:fs";
import {Readable} from "node:stream";
import {pipeline} from "node:stream/promises";
import zlib from "node:zlib";

/** Every problem with the content of an XLSX file: the message is one line and can be shown as is. */
export class XlsxError extends Error {
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options);
    this.name = "XlsxError";
  }
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATE = 8;
const UTF8_NAMES = 0x0800;
const ENCRYPTED = 0x0001;
const MAX_32 = 0xffffffff;
/** On sheet XML, level 4 deflates three times faster than the default 6 for 11% more bytes. */
const DEFLATE_LEVEL = 4;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipReader {
  /** Entries by lower-cased name: OOXML part names are case-insensitive. */
  private readonly byName: Map<string, ZipEntry>;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly fileSize: number,
    readonly entries: ZipEntry[],
  ) {
    this.byName = new Map(entries.map((entry) => [entry.name.toLowerCase(), entry]));
  }

  static async open(file: string): Promise<ZipReader> {
    const handle = await open(file, "r");
    try {
      const {size} = await handle.stat();
      const entries = await readCentralDirectory(handle, size);
      return new ZipReader(file, handle, size, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name.toLowerCase());
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** The whole decompressed content of an entry, for the small parts of a workbook. */
  async read(entry: ZipEntry): Promise<Buffer> {
    const start = await this.dataOffset(entry);
    const compressed = Buffer.alloc(entry.compressedSize);
    await this.handle.read(compressed, 0, compressed.length, start);
    let data: Buffer;
    try {
      data = entry.method === DEFLATE ? zlib.inflateRawSync(compressed) : compressed;
    } catch (error) {
      throw corruptData(entry, error);
    }
    checkIntegrity(entry, data.length, zlib.crc32(data));
    return data;
  }

  /** The decompressed content of an entry as a stream of chunks, checked against its CRC at the end. */
  async stream(entry: ZipEntry): Promise<Readable> {
    const start = await this.dataOffset(entry);
    const end = start + entry.compressedSize - 1;
    return Readable.from(inflateChecked(this.file, start, end, entry), {objectMode: false});
  }

  private async dataOffset(entry: ZipEntry): Promise<number> {
    if (entry.flags & ENCRYPTED) throw new XlsxError(`unsupported zip: entry ${entry.name} is encrypted`);
    if (entry.method !== STORED && entry.method !== DEFLATE) {
      throw new XlsxError(`unsupported zip compression method ${entry.method} for entry ${entry.name}`);
    }
    const header = Buffer.alloc(30);
    const {bytesRead} = await this.handle.read(header, 0, 30, entry.localHeaderOffset);
    if (bytesRead < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) {
      throw new XlsxError(`corrupt zip: local header of entry ${entry.name} not found`);
    }
    // The local extra field may differ from the central one, so its length is taken from here.
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.fileSize) {
      throw new XlsxError(`corrupt zip: entry ${entry.name} is truncated`);
    }
    return start;
  }
}

async function readCentralDirectory(handle: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  if (fileSize === 0) throw new XlsxError("not an XLSX file: the file is empty");
  const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT + 20);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, fileSize - tailLength);
  const eocd = findEndOfCentralDirectory(tail);
  if (eocd < 0) {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    throw new XlsxError(
      head.readUInt32LE(0) === LOCAL_HEADER
        ? "corrupt zip: central directory not found"
        : "not an XLSX file: no zip signature",
    );
  }
  const count = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  const zip64Locator = eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_END_LOCATOR;
  if (zip64Locator || count === 0xffff || directorySize === MAX_32 || directoryOffset === MAX_32) {
    throw new XlsxError("unsupported zip: zip64");
  }
  const directoryEnd = fileSize - tailLength + eocd;
  if (directoryOffset + directorySize > directoryEnd) {
    throw new XlsxError("corrupt zip: central directory is truncated");
  }
  const directory = Buffer.alloc(directorySize);
  await handle.read(directory, 0, directorySize, directoryOffset);
  return parseCentralDirectory(directory, count);
}

/** Scans backwards because the record is followed by a comment of unknown length. */
function findEndOfCentralDirectory(tail: Buffer): number {
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (
      tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY &&
      i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length
    ) {
      return i;
    }
  }
  return -1;
}

function parseCentralDirectory(directory: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL_HEADER) {
      throw new XlsxError("corrupt zip: bad central directory record");
    }
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      name: directory.toString("utf8", p + 46, p + 46 + nameLength),
      flags: directory.readUInt16LE(p + 8),
      method: directory.readUInt16LE(p + 10),
      crc: directory.readUInt32LE(p + 16),
      compressedSize: directory.readUInt32LE(p + 20),
      size: directory.readUInt32LE(p + 24),
      localHeaderOffset: directory.readUInt32LE(p + 42),
    };
    if (entry.compressedSize === MAX_32 || entry.size === MAX_32 || entry.localHeaderOffset === MAX_32) {
      throw new XlsxError("unsupported zip: zip64");
    }
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function* inflateChecked(
  file: string,
  start: number,
  end: number,
  entry: ZipEntry,
): AsyncGenerator<Buffer> {
  const compressed = createReadStream(file, {start, end, highWaterMark: 1 << 20});
  const source: Readable =
    entry.method === DEFLATE ? compressed.pipe(zlib.createInflateRaw({chunkSize: 1 << 18})) : compressed;
  if (source !== compressed) compressed.on("error", (error) => source.destroy(error));
  let size = 0;
  let crc = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      crc = zlib.crc32(chunk, crc);
      yield chunk;
    }
  } catch (error) {
    throw error instanceof XlsxError ? error : corruptData(entry, error);
  } finally {
    compressed.destroy();
    source.destroy();
  }
  checkIntegrity(entry, size, crc);
}

function corruptData(entry: ZipEntry, error: unknown): XlsxError {
  const reason = error instanceof Error ? error.message : String(error);
  return new XlsxError(`corrupt zip: entry ${entry.name} has corrupt compressed data (${reason})`, {
    cause: error,
  });
}

function checkIntegrity(entry: ZipEntry, size: number, crc: number): void {
  if (size !== entry.size) throw new XlsxError(`corrupt zip: entry ${entry.name} is truncated`);
  if (crc !== entry.crc) throw new XlsxError(`corrupt zip: entry ${entry.name} fails its CRC check`);
}

interface WrittenEntry {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/**
 * Writes a zip file front to back. Sizes and CRC are only known once an entry is written, so they
 * are patched into its local header afterwards: unlike data descriptors, this keeps the file
 * readable by streaming readers that trust local headers.
 */
export class ZipWriter {
  private readonly written: WrittenEntry[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes handed to write(), flushed or not. */
  private position = 0;
  private readonly time: number;
  private readonly date: number;

  // Entries carry a fixed time (1980-01-01 00:00, the zip epoch), so the same rows always give the
  // same bytes: files are identified by content hash, and the sample data must be reproducible.
  private constructor(private readonly handle: FileHandle) {
    this.time = 0;
    this.date = (1 << 5) | 1;
  }

  static async create(file: string): Promise<ZipWriter> {
    return new ZipWriter(await open(file, "w"));
  }

  async add(name: string, content: string | Buffer): Promise<void> {
    await this.addStream(name, [typeof content === "string" ? Buffer.from(content, "utf8") : content]);
  }

  async addStream(name: string, chunks: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
    const entry: WrittenEntry = {
      name: Buffer.from(name, "utf8"),
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: 0,
    };
    entry.offset = this.position;
    this.write(this.header(LOCAL_HEADER, entry));
    await pipeline(
      async function* () {
        for await (const chunk of chunks) {
          entry.crc = zlib.crc32(chunk, entry.crc);
          entry.size += chunk.length;
          yield chunk;
        }
      },
      zlib.createDeflateRaw({chunkSize: 1 << 16, level: DEFLATE_LEVEL}),
      async (deflated: AsyncIterable<Buffer>) => {
        for await (const chunk of deflated) {
          entry.compressedSize += chunk.length;
          if (this.write(chunk)) await this.flush();
        }
      },
    );
    if (entry.size > MAX_32 || this.position > MAX_32) {
      throw new XlsxError("unsupported zip: the file would need zip64 (over 4 GB)");
    }
    await this.flush();
    const sizes = Buffer.alloc(12);
    sizes.writeUInt32LE(entry.crc, 0);
    sizes.writeUInt32LE(entry.compressedSize, 4);
    sizes.writeUInt32LE(entry.size, 8);
    await this.handle.write(sizes, 0, 12, entry.offset + 14);
    this.written.push(entry);
  }

  /** Writes the central directory and closes the file. */
  async finish(): Promise<void> {
    const directoryOffset = this.position;
    for (const entry of this.written) this.write(this.header(CENTRAL_HEADER, entry));
    const end = Buffer.alloc(EOCD_SIZE);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(this.written.length, 8);
    end.writeUInt16LE(this.written.length, 10);
    end.writeUInt32LE(this.position - directoryOffset, 12);
    end.writeUInt32LE(directoryOffset, 16);
    this.write(end);
    await this.flush();
    await this.handle.close();
  }

  /** Closes the file after a failure; the caller removes it. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  /** Queues bytes; returns true when enough is queued to be worth a flush. */
  private write(bytes: Buffer): boolean {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.position += bytes.length;
    return this.pendingBytes >= 1 << 20;
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunks = this.pending;
    const at = this.position - this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.writev(chunks, at);
  }

  private header(signature: number, entry: WrittenEntry): Buffer {
    const central = signature === CENTRAL_HEADER;
    const fixed = central ? 46 : 30;
    const header = Buffer.alloc(fixed + entry.name.length);
    header.writeUInt32LE(signature, 0);
    let p = 4;
    if (central) {
      header.writeUInt16LE(20, p); // version made by: 2.0, MS-DOS attributes
      p += 2;
    }
    header.writeUInt16LE(20, p); // version needed to extract: deflate
    header.writeUInt16LE(UTF8_NAMES, p + 2);
    header.writeUInt16LE(DEFLATE, p + 4);
    header.writeUInt16LE(this.time, p + 6);
    header.writeUInt16LE(this.date, p + 8);
    header.writeUInt32LE(entry.crc, p + 10);
    header.writeUInt32LE(entry.compressedSize, p + 14);
    header.writeUInt32LE(entry.size, p + 18);
    header.writeUInt16LE(entry.name.length, p + 22);
    if (central) header.writeUInt32LE(entry.offset, 42);
    entry.name.copy(header, fixed);
    return header;
  }
}
