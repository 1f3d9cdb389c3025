import {randomBytes} from "node:crypto";
import {writeFile} from "node:fs/promises";
import type {AddressInfo} from "node:net";
import {join} from "node:path";
import {SMTPServer} from "smtp-server";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from "vitest";
import {
  deliverReport,
  normalizeDeliveryConfig,
  type DeliveryChannel,
} from "../../src/pipelines/delivery/index.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {tempDir} from "../helpers.js";
import {SMTP_PASSWORD, deliveryLog, openWarehouse, recordingSleep, report} from "./fixture.js";
import {decodeHeader, leaves, parseMime} from "./mime.js";

const USER = "reports@shop.example";
const env = {RETURNSCOPE_SMTP_USER: USER, RETURNSCOPE_SMTP_PASSWORD: SMTP_PASSWORD};

interface Received {
  raw: Buffer;
  from: string;
  to: string[];
  user: unknown;
}

const smtp = {received: [] as Received[], failRcpt: 0, port: 0};
const smtpError = (message: string, responseCode: number) =>
  Object.assign(new Error(message), {responseCode});

const server = new SMTPServer({
  logger: false,
  disabledCommands: ["STARTTLS"],
  allowInsecureAuth: true,
  authOptional: false,
  onAuth(auth, _session, callback) {
    if (auth.username === USER && auth.password === SMTP_PASSWORD) callback(null, {user: auth.username});
    else callback(smtpError("Invalid username or password", 535));
  },
  onRcptTo(_address, _session, callback) {
    if (smtp.failRcpt > 0) {
      smtp.failRcpt--;
      callback(smtpError("Mailbox temporarily unavailable, try again later", 451));
    } else callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      smtp.received.push({
        raw: Buffer.concat(chunks),
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        to: session.envelope.rcptTo.map((r) => r.address),
        user: session.user,
      });
      callback();
    });
  },
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  smtp.port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let dir: string;
let cleanup: () => Promise<void>;
let warehouse: Warehouse;
beforeEach(async () => {
  ({dir, cleanup} = await tempDir());
  warehouse = await openWarehouse(dir);
  smtp.received = [];
  smtp.failRcpt = 0;
});
afterEach(async () => {
  warehouse.close();
  await cleanup();
});

function emailChannel(): DeliveryChannel {
  return normalizeDeliveryConfig(
    {
      channels: [
        {
          type: "email",
          name: "老板邮箱",
          host: "127.0.0.1",
          port: smtp.port,
          secure: false,
          from: "退货透视 <reports@shop.example>",
          to: ["boss@shop.example", "ops@shop.example"],
          userEnv: "RETURNSCOPE_SMTP_USER",
          passwordEnv: "RETURNSCOPE_SMTP_PASSWORD",
        },
      ],
    },
    "test.config.json",
  ).channels[0]!;
}

/** A PDF-looking file with every byte value in it, so that any encoding slip shows. */
async function writePdf(): Promise<{path: string; bytes: Buffer}> {
  const bytes = Buffer.concat([
    Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"),
    Buffer.from(Array.from({length: 256}, (_, i) => i)),
    randomBytes(50_000),
    Buffer.from("\n%%EOF\n"),
  ]);
  const path = join(dir, "returns-2026-W47.pdf");
  await writeFile(path, bytes);
  return {path, bytes};
}

describe("e-mail over SMTP", () => {
  it("sends the HTML report with a text alternative and the PDF attached", async () => {
    const pdf = await writePdf();
    const logger = memoryLogger();
    const results = await deliverReport(report({pdfPath: pdf.path}), [emailChannel()], {
      warehouse,
      logger,
      env,
    });
    expect(results[0]).toMatchObject({channel: "老板邮箱", type: "email", status: "sent", attempts: 1});
    expect(logger.lines).toEqual([
      `info: delivery 2026-W47: channel 老板邮箱 (email, smtp://127.0.0.1:${smtp.port}): sent (accepted for 2 recipient(s))`,
    ]);

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.user).toBe(USER);
    expect(mail.from).toBe("reports@shop.example");
    expect(mail.to).toEqual(["boss@shop.example", "ops@shop.example"]);

    const message = parseMime(mail.raw);
    expect(decodeHeader(message.headers.get("subject")!)).toBe("退货周报 2026-W47（直播服饰旗舰店）");
    expect(decodeHeader(message.headers.get("from")!)).toBe("退货透视 <reports@shop.example>");
    expect(message.headers.get("to")).toBe("boss@shop.example, ops@shop.example");
    expect(message.headers.get("x-returnscope-week")).toBe("2026-W47");
    expect(message.type).toBe("multipart/mixed");

    const parts = leaves(message);
    expect(parts.map((p) => p.type)).toEqual(["text/plain", "text/html", "application/pdf"]);
    const [text, html, attachment] = parts;
    expect(text!.body.toString("utf8")).toBe(`${report().text}\n\n${report().url}\n`);
    expect(html!.body.toString("utf8")).toBe(report().html);
    expect(attachment!.headers.get("content-disposition")).toMatch(
      /^attachment; filename=returns-2026-W47\.pdf$/,
    );
    expect(attachment!.body.equals(pdf.bytes)).toBe(true);

    const log = await deliveryLog(warehouse);
    expect(log.map((r) => [r.channel_name, r.channel_type, r.attempt_count, r.status])).toEqual([
      ["老板邮箱", "email", 1, "sent"],
    ]);
  });

  it("sends no attachment when the report has no PDF", async () => {
    await deliverReport(report(), [emailChannel()], {logger: memoryLogger(), env});
    const message = parseMime(smtp.received[0]!.raw);
    expect(message.type).toBe("multipart/alternative");
    expect(leaves(message).map((p) => p.type)).toEqual(["text/plain", "text/html"]);
  });

  it("retries a temporary SMTP refusal (4xx) for the refused recipient only, then delivers", async () => {
    smtp.failRcpt = 1; // the first RCPT TO (boss@) is refused with 451, ops@ accepts
    const sleep = recordingSleep();
    const logger = memoryLogger();
    const results = await deliverReport(report(), [emailChannel()], {warehouse, logger, env, sleep});
    expect(results[0]).toMatchObject({status: "sent", attempts: 2});
    expect(sleep.calls).toEqual([1000]);
    expect(logger.lines[0]).toMatch(
      /^warn: delivery 2026-W47: channel 老板邮箱 \(email, smtp:\/\/127\.0\.0\.1:\d+\): attempt 1 of 3 failed: accepted for 1 recipient\(s\), refused for boss@shop\.example: .*451 Mailbox temporarily unavailable, try again later.*; retrying in 1000 ms$/,
    );
    // Nobody got it twice; both copies still show the whole list.
    expect(smtp.received.map((m) => m.to)).toEqual([["ops@shop.example"], ["boss@shop.example"]]);
    for (const mail of smtp.received)
      expect(parseMime(mail.raw).headers.get("to")).toBe("boss@shop.example, ops@shop.example");
    expect((await deliveryLog(warehouse))[0]).toMatchObject({attempt_count: 2, status: "sent"});
  });

  it("retries when the server refuses every recipient for now", async () => {
    smtp.failRcpt = 2;
    const sleep = recordingSleep();
    const results = await deliverReport(report(), [emailChannel()], {logger: memoryLogger(), env, sleep});
    expect(results[0]).toMatchObject({status: "sent", attempts: 2});
    expect(smtp.received.map((m) => m.to)).toEqual([["boss@shop.example", "ops@shop.example"]]);
  });

  it("does not retry a refused login (5xx), and says why", async () => {
    const sleep = recordingSleep();
    const results = await deliverReport(report(), [emailChannel()], {
      logger: memoryLogger(),
      env: {...env, RETURNSCOPE_SMTP_PASSWORD: "wrong-password"},
      sleep,
    });
    expect(results[0]).toMatchObject({status: "failed", attempts: 1});
    expect(sleep.calls).toEqual([]);
    expect(results[0]!.message).toMatch(
      /^channel 老板邮箱 \(email, smtp:\/\/127\.0\.0\.1:\d+\): .*535 Invalid username or password.* \(not retried\)$/,
    );
  });

  it("fails clearly when the password variable is missing or the PDF cannot be read", async () => {
    const missing = await deliverReport(report(), [emailChannel()], {
      logger: memoryLogger(),
      env: {RETURNSCOPE_SMTP_USER: USER},
    });
    expect(missing[0]).toMatchObject({status: "failed", attempts: 0});
    expect(missing[0]!.message).toBe(
      "channel 老板邮箱: environment variable RETURNSCOPE_SMTP_PASSWORD (the SMTP password) is not set",
    );
    const pdfPath = join(dir, "missing.pdf");
    const unreadable = await deliverReport(report({pdfPath}), [emailChannel()], {
      logger: memoryLogger(),
      env,
    });
    expect(unreadable[0]).toMatchObject({status: "failed", attempts: 0});
    expect(unreadable[0]!.message).toMatch(
      new RegExp(
        `^${pdfPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: channel 老板邮箱: cannot read the PDF to attach: ENOENT`,
      ),
    );
    expect(smtp.received).toHaveLength(0);
  });
});
