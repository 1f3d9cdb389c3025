/**
 * Just enough of a MIME reader to check what the SMTP server received (no mail parser is installed):
 * headers with RFC 2047 encoded words, nested multiparts, base64 and quoted-printable bodies.
 */

export interface MimePart {
  headers: Map<string, string>;
  /** e.g. "text/html", lowercased. */
  type: string;
  params: Record<string, string>;
  /** The decoded body (empty for a multipart). */
  body: Buffer;
  parts: MimePart[];
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "_") bytes.push(0x20);
    else if (c === "=" && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

/** Decodes =?charset?B|Q?…?= words; adjacent words are joined before decoding (a character may span two). */
export function decodeHeader(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  let result = "";
  let pending: Buffer[] = [];
  let last = 0;
  const flush = () => {
    if (pending.length) result += Buffer.concat(pending).toString("utf8");
    pending = [];
  };
  for (const match of value.matchAll(word)) {
    const between = value.slice(last, match.index);
    if (!(pending.length && /^\s*$/.test(between))) {
      flush();
      result += between;
    }
    const [, , encoding, text] = match;
    pending.push(encoding!.toUpperCase() === "B" ? Buffer.from(text!, "base64") : decodeQ(text!));
    last = match.index + match[0].length;
  }
  flush();
  return result + value.slice(last);
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const unfolded = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < unfolded.length; i++) {
    const c = unfolded[i]!;
    if (c === "=" && /^[0-9A-F]{2}$/i.test(unfolded.slice(i + 1, i + 3))) {
      bytes.push(parseInt(unfolded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes);
}

function parseParams(value: string): {value: string; params: Record<string, string>} {
  const [first, ...rest] = value.split(";");
  const params: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf("=");
    if (eq < 0) continue;
    params[item.slice(0, eq).trim().toLowerCase()] = item
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
  }
  return {value: (first ?? "").trim().toLowerCase(), params};
}

export function parseMime(raw: Buffer | string): MimePart {
  const text = typeof raw === "string" ? raw : raw.toString("latin1");
  const split = text.indexOf("\r\n\r\n");
  const head = split < 0 ? text : text.slice(0, split);
  const rawBody = split < 0 ? "" : text.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const {value: type, params} = parseParams(headers.get("content-type") ?? "text/plain");
  const part: MimePart = {headers, type, params, body: Buffer.alloc(0), parts: []};
  if (type.startsWith("multipart/") && params.boundary) {
    const sections = rawBody.split(`--${params.boundary}`);
    for (const section of sections.slice(1)) {
      if (section.startsWith("--")) break;
      part.parts.push(parseMime(section.replace(/^\r\n/, "").replace(/\r\n$/, "")));
    }
    return part;
  }
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  part.body =
    encoding === "base64"
      ? Buffer.from(rawBody.replace(/\s+/g, ""), "base64")
      : encoding === "quoted-printable"
        ? decodeQuotedPrintable(Buffer.from(rawBody, "latin1").toString("utf8"))
        : Buffer.from(rawBody, "latin1");
  return part;
}

/** Every leaf part, depth first. */
export function leaves(part: MimePart): MimePart[] {
  return part.parts.length ? part.parts.flatMap(leaves) : [part];
}
