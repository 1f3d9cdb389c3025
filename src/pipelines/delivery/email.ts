/**
 * The e-mail channel: the HTML report as the body, the summary as its plain-text alternative, the
 * PDF attached when there is one. SMTP replies 4xx ("try later") and lost connections are retried;
 * 5xx (bad login, unknown recipient) are final. A retry goes only to the recipients that have not
 * accepted the message yet, so that nobody gets it twice; the To header always lists everyone.
 */
import {readFile} from "node:fs/promises";
import {basename} from "node:path";
import {createTransport} from "nodemailer";
import {PipelineError, errorMessage} from "../errors.js";
import type {EmailChannel} from "./config.js";
import type {ReportMessage} from "./message.js";
import {AttemptError} from "./retry.js";
import {readSecret, type Env, type Redactor} from "./secrets.js";

export interface EmailTarget {
  channel: EmailChannel;
  auth: {user: string; pass: string} | null;
  pdf: {filename: string; content: Buffer} | null;
  /** smtp(s)://host:port, for messages. */
  redacted: string;
  /** Recipients still to reach; shrinks as servers accept. */
  pending: string[];
}

export async function resolveEmailTarget(
  channel: EmailChannel,
  report: ReportMessage,
  env: Env,
  redactor: Redactor,
): Promise<EmailTarget> {
  let auth: EmailTarget["auth"] = null;
  if (channel.userEnv && channel.passwordEnv) {
    const user = readSecret(env, channel.userEnv, channel.name, "the SMTP user");
    const pass = readSecret(env, channel.passwordEnv, channel.name, "the SMTP password");
    redactor.add(pass);
    auth = {user, pass};
  }
  let pdf: EmailTarget["pdf"] = null;
  if (report.pdfPath) {
    try {
      pdf = {filename: basename(report.pdfPath), content: await readFile(report.pdfPath)};
    } catch (error) {
      throw new PipelineError(
        `channel ${channel.name}: cannot read the PDF to attach: ${errorMessage(error)}`,
        {step: "delivery", file: report.pdfPath},
        {cause: error},
      );
    }
  }
  const redacted = `${channel.secure ? "smtps" : "smtp"}://${channel.host}:${channel.port}`;
  return {channel, auth, pdf, redacted, pending: [...channel.to]};
}

const NETWORK_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ECONNRESET", "ECONNREFUSED"]);

interface SmtpError {
  code?: string;
  responseCode?: number;
  /** Set by nodemailer with responseCode: 5xx but 503 are permanent. */
  permanent?: boolean;
  recipient?: string;
  message?: string;
}

function isRetryable(e: SmtpError | undefined): boolean {
  if (typeof e?.permanent === "boolean") return !e.permanent;
  if (typeof e?.responseCode === "number") return e.responseCode >= 400 && e.responseCode < 500;
  return typeof e?.code === "string" && NETWORK_CODES.has(e.code);
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** One try: one SMTP session. */
export async function sendEmail(
  target: EmailTarget,
  report: ReportMessage,
  timeoutMs: number,
): Promise<string> {
  const {channel} = target;
  const transport = createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure,
    ...(target.auth ? {auth: target.auth} : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    // The report is self-contained: nothing in it may make us read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let info;
  try {
    info = await transport.sendMail({
      from: channel.from,
      to: channel.to,
      envelope: {from: channel.from, to: target.pending},
      subject: report.title,
      text: report.url ? `${report.text}\n\n${report.url}\n` : report.text,
      html: report.html,
      headers: {"X-Returnscope-Week": report.week},
      attachments: target.pdf ? [{...target.pdf, contentType: "application/pdf"}] : [],
    });
  } catch (error) {
    throw new AttemptError(oneLine(errorMessage(error)), isRetryable(error as SmtpError));
  } finally {
    transport.close();
  }
  target.pending = (info.rejected ?? []).map(String);
  if (target.pending.length === 0) return `accepted for ${channel.to.length} recipient(s)`;
  // Some recipients refused while others took it: retry for them only if every refusal was temporary.
  const errors: SmtpError[] = info.rejectedErrors ?? [];
  const refusals = errors.map((e) => `${e.recipient ?? "?"}: ${oneLine(e.message ?? "")}`).join("; ");
  throw new AttemptError(
    `accepted for ${channel.to.length - target.pending.length} recipient(s), refused for ${refusals || target.pending.join(", ")}`,
    errors.length > 0 && errors.every(isRetryable),
  );
}
