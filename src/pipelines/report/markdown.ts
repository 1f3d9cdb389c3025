/**
 * renderMarkdown: the report as CommonMark/GFM. Text from the data (product names, SKU codes) is
 * escaped so that it can neither become HTML nor break a table when the Markdown is rendered.
 */
import {reportBlocks, type Block} from "./document.js";
import type {ReportData} from "./types.js";

/** Backslash-escapes the punctuation that could start HTML, a link, emphasis, code or a table cell. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*[\]<>&|~]/g, "\\$&").replace(/\r?\n/g, " ");
}

function blockToMarkdown(block: Block): string | null {
  switch (block.kind) {
    case "heading":
      return `${"#".repeat(block.level)} ${escapeMarkdown(block.text)}`;
    case "paragraph":
      return escapeMarkdown(block.text);
    case "note":
      return `> ${escapeMarkdown(block.text)}`;
    case "list":
      return block.items.map((item) => `- ${escapeMarkdown(item)}`).join("\n");
    case "table": {
      const row = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
      const rule = `|${block.align.map((a) => (a === "right" ? "---:" : "---")).join("|")}|`;
      return [row(block.headers), rule, ...block.rows.map(row)].join("\n");
    }
    case "chart":
      return null;
  }
}

export function renderMarkdown(data: ReportData): string {
  return (
    reportBlocks(data)
      .map(blockToMarkdown)
      .filter((text) => text !== null)
      .join("\n\n") + "\n"
  );
}
