import {describe, expect, it} from "vitest";
import {PROJECT_ROOT} from "../../src/pipelines/site/build.js";
import {definitionsPage, inertMarkdown} from "../../src/pipelines/site/definitions.js";

describe("inertMarkdown", () => {
  it("escapes $ and < in prose, so nothing runs and no HTML passes", () => {
    expect(inertMarkdown("成本 ${cost} 元 <script>alert(1)</script>")).toBe(
      "成本 &#36;{cost} 元 &lt;script>alert(1)&lt;/script>",
    );
  });

  it("leaves inline code and fenced code as written", () => {
    expect(inertMarkdown("see `${x} <b>` and ``a ` b`` then $")).toBe(
      "see `${x} <b>` and ``a ` b`` then &#36;",
    );
    expect(inertMarkdown("```\n${x} <b>\n```")).toBe("```\n${x} <b>\n```");
    expect(inertMarkdown("an `unmatched tick <b>")).toBe("an `unmatched tick &lt;b>");
  });

  it("turns fences Framework would run into plain ones", () => {
    expect(inertMarkdown("```js\ndisplay(1)\n```")).toBe("```\ndisplay(1)\n```");
    expect(inertMarkdown("```sql echo\nselect 1\n```")).toBe("```\nselect 1\n```");
    expect(inertMarkdown("~~~ mermaid\ngraph\n~~~")).toBe("~~~\ngraph\n~~~");
    expect(inertMarkdown("```json\n{}\n```")).toBe("```json\n{}\n```");
  });

  it("leaves headings and code comments alone", () => {
    expect(inertMarkdown("## 1. 概念\n```\n# comment\n```")).toBe("## 1. 概念\n```\n# comment\n```");
  });
});

describe("definitionsPage", () => {
  it("renders docs/metrics.md with a title, and nothing Framework would execute", async () => {
    const page = await definitionsPage(PROJECT_ROOT);
    expect(page).toMatch(/^---\ntitle: 口径\n/);
    expect(page).toContain("# 口径");
    // The document's own title gives way to the page's; its sections are the table of contents.
    expect(page).not.toContain("\n# 指标口径 · Metric definitions");
    expect(page).toMatch(/^## 1\. 基本概念/m);
    // Outside code, no ${ and no raw HTML tags but our own subtitle span.
    const prose = page.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    expect(prose).not.toContain("${");
    expect(prose.replace('<span class="rs-subtitle">指标口径 · Metric definitions</span>', "")).not.toMatch(
      /<[a-z]/i,
    );
    expect(page).not.toMatch(/^```(js|ts|sql|dot|mermaid|tex)\b/m);
  });
});
