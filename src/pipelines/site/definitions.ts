/**
 * The 口径 Definitions page, made at build time from docs/metrics.md by a page loader: Framework
 * renders the markdown itself. Our docs are prose, not page code, so before they reach Framework
 * everything it would execute or pass through as HTML is neutralized: `$` (a `${…}` would run as
 * JavaScript) and `<` (raw HTML) outside code, and fenced blocks in a language Framework runs
 * (js, sql — DuckDB-Wasm from a CDN —, dot, mermaid, tex …) become plain code blocks. The
 * document's own title gives way to the page's, so that its sections are the page's table of contents.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";

/** The documents of the page, in order (paths relative to the repository root). */
export const DEFINITION_DOCS = ["docs/metrics.md"];

/** Fence languages that are only displayed; any other info string is dropped. */
const DISPLAY_LANGUAGES = new Set(["", "json", "sh", "bash", "shell", "console", "text", "txt", "csv"]);

function escapeProse(text: string): string {
  return text.replace(/\$/g, "&#36;").replace(/</g, "&lt;");
}

/** Escapes a line outside fenced code, leaving inline code spans (`…`, ``…``) as they are. */
function escapeLine(line: string): string {
  let out = "";
  let rest = line;
  for (;;) {
    const open = /`+/.exec(rest);
    if (!open) return out + escapeProse(rest);
    const ticks = open[0];
    const afterOpen = open.index + ticks.length;
    const close = rest.indexOf(ticks, afterOpen);
    // An unmatched run of backticks is literal text.
    if (close < 0) return out + escapeProse(rest);
    out += escapeProse(rest.slice(0, open.index)) + rest.slice(open.index, close + ticks.length);
    rest = rest.slice(close + ticks.length);
  }
}

/** Markdown that Framework renders as the same text, with nothing executed and no raw HTML. */
export function inertMarkdown(markdown: string): string {
  const lines = markdown.split(/\r?\n/);
  let fence: string | null = null;
  return lines
    .map((line) => {
      const marker = /^(\s{0,3})(`{3,}|~{3,})(.*)$/.exec(line);
      if (fence === null && marker) {
        fence = marker[2]!;
        const language = marker[3]!.trim().split(/\s+/)[0]!.toLowerCase();
        return `${marker[1]}${fence}${DISPLAY_LANGUAGES.has(language) ? language : ""}`;
      }
      if (fence !== null) {
        if (
          marker &&
          marker[2]!.startsWith(fence[0]!) &&
          marker[2]!.length >= fence.length &&
          !marker[3]!.trim()
        )
          fence = null;
        return line;
      }
      return escapeLine(line);
    })
    .join("\n");
}

/** The page: front matter, a title, and the documents. */
export async function definitionsPage(projectRoot: string, docs = DEFINITION_DOCS): Promise<string> {
  const parts = [
    "---\ntitle: 口径\ntoc:\n  label: 目录 Contents\n---\n",
    '# 口径 <span class="rs-subtitle">指标口径 · Metric definitions</span>\n',
    "每个发布的指标的定义：分子、分母、时间口径、排除项。本页在构建时由 `docs/metrics.md` 生成。\n" +
      "Every published metric's definition, generated at build time from `docs/metrics.md`.\n",
  ];
  for (const doc of docs) {
    const markdown = await readFile(join(projectRoot, doc), "utf8");
    parts.push(inertMarkdown(markdown.replace(/^# .*\n/, "")));
  }
  return parts.join("\n");
}
