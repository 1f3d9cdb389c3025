/**
 * What each platform is sent. Group chats get the title, the short summary and the dashboard link
 * (their Markdown dialects render neither the report's tables nor long text well); the whole report
 * goes by e-mail (HTML, PDF attached) and to the generic webhook (Markdown). Payload formats and
 * limits: docs/delivery.md.
 */

/** An already-built weekly report. */
export interface ReportMessage {
  /** ISO week, e.g. "2026-W47". */
  week: string;
  title: string;
  /** The whole report in Markdown. */
  markdown: string;
  /** A short plain-text summary (≤ ~1500 characters). */
  text: string;
  /** The whole report as self-contained HTML. */
  html: string;
  /** Attached to the e-mail when present. */
  pdfPath?: string;
  /** The dashboard page of the week. */
  url?: string;
}

/** 企业微信 rejects markdown.content over 4096 bytes (errcode 40058). */
export const WECOM_MARKDOWN_MAX_BYTES = 4096;
/**
 * 飞书 and 钉钉 reject oversized messages too (飞书: 19036 above its request size limit). We keep
 * their summary under this many bytes; a summary is normally a tenth of it.
 */
export const ROBOT_TEXT_MAX_BYTES = 16_000;

export const TRUNCATION_NOTICE = "\n\n…（内容过长，已截断；完整报告见邮件或看板）";
const LINK_TEXT = "查看看板";

/** The longest prefix of text that is at most maxBytes of UTF-8, cut between two characters. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // bytes[end] is the first byte left out; 10xxxxxx continues a character that began before it.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

export const utf8Length = (text: string): number => Buffer.byteLength(text, "utf8");

/**
 * head + body + tail within maxBytes: when too long, the body is cut (at a line end when one is
 * near) and the truncation notice put after it, so that the title and the link survive.
 */
export function fitMessage(head: string, body: string, tail: string, maxBytes: number): string {
  const whole = head + body + tail;
  if (utf8Length(whole) <= maxBytes) return whole;
  const room = maxBytes - utf8Length(head) - utf8Length(tail) - utf8Length(TRUNCATION_NOTICE);
  if (room <= 0) return truncateUtf8(head + TRUNCATION_NOTICE, maxBytes);
  let cut = truncateUtf8(body, room);
  const lineEnd = cut.lastIndexOf("\n");
  if (lineEnd >= cut.length * 0.75) cut = cut.slice(0, lineEnd);
  return head + cut.trimEnd() + TRUNCATION_NOTICE + tail;
}

/** 飞书: a `post` (rich text) message: the title, one paragraph per line of the summary, the link. */
export function feishuBody(report: ReportMessage): Record<string, unknown> {
  const text = fitMessage("", report.text, "", ROBOT_TEXT_MAX_BYTES);
  const paragraphs: unknown[][] = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => [{tag: "text", text: line}]);
  if (report.url) paragraphs.push([{tag: "a", text: LINK_TEXT, href: report.url}]);
  return {msg_type: "post", content: {post: {zh_cn: {title: report.title, content: paragraphs}}}};
}

/** 钉钉: a `markdown` message; `title` is what the chat list and the notification show. */
export function dingtalkBody(report: ReportMessage): Record<string, unknown> {
  const head = `### ${report.title}\n\n`;
  const tail = report.url ? `\n\n[${LINK_TEXT}](${report.url})` : "";
  return {
    msgtype: "markdown",
    markdown: {title: report.title, text: fitMessage(head, report.text, tail, ROBOT_TEXT_MAX_BYTES)},
  };
}

/** 企业微信: a `markdown` message, content at most 4096 bytes. */
export function wecomBody(report: ReportMessage): Record<string, unknown> {
  const head = `## ${report.title}\n`;
  const tail = report.url ? `\n[${LINK_TEXT}](${report.url})` : "";
  return {
    msgtype: "markdown",
    markdown: {content: fitMessage(head, report.text, tail, WECOM_MARKDOWN_MAX_BYTES)},
  };
}

/** The generic webhook: the report as it is. */
export function webhookBody(report: ReportMessage): Record<string, unknown> {
  return {
    week: report.week,
    title: report.title,
    text: report.text,
    markdown: report.markdown,
    url: report.url ?? null,
  };
}
