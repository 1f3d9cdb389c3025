/**
 * renderText: a short plain-text summary for group-chat robots (at most TEXT_MAX_CHARS characters):
 * the title and the summary sentences, as many as fit, then a pointer to the full report.
 */
import {narrative} from "./narrative.js";
import type {ReportData} from "./types.js";

export const TEXT_MAX_CHARS = 1500;
const MORE = "…（完整报告见邮件或看板）";

export function renderText(data: ReportData, maxChars = TEXT_MAX_CHARS): string {
  const lines = [data.title];
  const sentences = narrative(data).map((sentence) => `• ${sentence}`);
  let length = data.title.length;
  for (const [i, sentence] of sentences.entries()) {
    const last = i === sentences.length - 1;
    // Room for this line, and for the notice should a later one not fit.
    if (length + 1 + sentence.length + (last ? 0 : 1 + MORE.length) > maxChars) {
      lines.push(MORE);
      return lines.join("\n").slice(0, maxChars);
    }
    lines.push(sentence);
    length += 1 + sentence.length;
  }
  return lines.join("\n");
}
