import {describe, expect, it} from "vitest";
import {
  dingtalkSign,
  feishuSign,
  truncateUtf8,
  webhookSignature,
} from "../../src/pipelines/delivery/index.js";
import {
  ROBOT_TEXT_MAX_BYTES,
  TRUNCATION_NOTICE,
  dingtalkBody,
  feishuBody,
  fitMessage,
  wecomBody,
} from "../../src/pipelines/delivery/message.js";
import {buildRequest} from "../../src/pipelines/delivery/robots.js";
import {report} from "./fixture.js";

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("signatures", () => {
  // Reference values computed with Python's hmac module, following the Python samples of the
  // platforms' documentation (飞书: key = f'{timestamp}\n{secret}', msg = ''; 钉钉: key = secret,
  // msg = f'{timestamp}\n{secret}', then urllib.parse.quote_plus). Neither doc prints an expected
  // sign for its sample, so the timestamp is the 飞书 doc's and the secret the 钉钉 doc's.
  it("signs 飞书 messages as its docs do", () => {
    expect(feishuSign(1599360473, "demo-feishu-secret")).toBe("I14G+BylJBIS1VqI4nUg1mKqMAjMGZlFJGT36IJRUr8=");
  });

  it("signs 钉钉 messages as its docs do, percent-encoded in the query string", () => {
    expect(dingtalkSign(1577262236757, "this is secret")).toBe(
      "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=",
    );
    const channel = {type: "dingtalk", name: "d", webhookEnv: "D", secretEnv: "S"} as const;
    const target = {
      channel,
      url: new URL("https://oapi.dingtalk.com/robot/send?access_token=abc123"),
      secret: "this is secret",
      redacted: "",
    };
    const request = buildRequest(target, report(), new Date(1577262236757));
    expect(request.url.href).toBe(
      "https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1577262236757" +
        "&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D",
    );
  });

  it("signs the generic webhook body: sha256= and the hex HMAC", () => {
    expect(webhookSignature('{"week":"2026-W47"}', "whsec")).toBe(
      "sha256=4abb77970b47ace8b1b069418a6d034a343c14d256333dcc736c5eca73293180",
    );
  });
});

describe("truncateUtf8", () => {
  it("cuts between characters, never inside one, at every byte limit", () => {
    const text = "a退货😀b率\u00e9"; // 1, 3, 3, 4, 1, 3, 2 bytes
    const total = bytes(text);
    for (let limit = 0; limit <= total + 1; limit++) {
      const cut = truncateUtf8(text, limit);
      expect(bytes(cut)).toBeLessThanOrEqual(limit);
      expect(text.startsWith(cut)).toBe(true);
      expect(cut).not.toContain("\uFFFD");
      // Longest possible: one more character would not fit.
      if (cut.length < text.length) {
        const next = String.fromCodePoint(text.slice(cut.length).codePointAt(0)!);
        expect(bytes(cut + next)).toBeGreaterThan(limit);
      }
    }
    expect(truncateUtf8(text, 5)).toBe("a退");
    expect(truncateUtf8(text, 10)).toBe("a退货");
    expect(truncateUtf8(text, 11)).toBe("a退货😀");
  });
});

describe("fitMessage", () => {
  it("leaves a message that fits alone", () => {
    expect(fitMessage("## 标题\n", "正文", "\n[链接](u)", 4096)).toBe("## 标题\n正文\n[链接](u)");
  });

  it("keeps head and tail, cuts the body and says so", () => {
    const body = "退".repeat(2000);
    const fitted = fitMessage("## 标题\n", body, "\n[查看看板](https://x/)", 4096);
    expect(bytes(fitted)).toBeLessThanOrEqual(4096);
    expect(bytes(fitted)).toBeGreaterThan(4096 - 3);
    expect(fitted.startsWith("## 标题\n退退")).toBe(true);
    expect(fitted.endsWith(`退${TRUNCATION_NOTICE}\n[查看看板](https://x/)`)).toBe(true);
  });

  it("still fits when even the title is too long", () => {
    const fitted = fitMessage("标".repeat(3000), "正文", "", 4096);
    expect(bytes(fitted)).toBeLessThanOrEqual(4096);
    expect(fitted).not.toContain("\uFFFD");
  });
});

describe("payloads", () => {
  it("keeps 企业微信 content within 4096 bytes and 飞书/钉钉 text within their cap", () => {
    const long = report({text: "尺码偏小，".repeat(5000)});
    const wecom = (wecomBody(long).markdown as {content: string}).content;
    expect(bytes(wecom)).toBeLessThanOrEqual(4096);
    expect(wecom).toContain("已截断");
    const dingtalk = (dingtalkBody(long).markdown as {text: string}).text;
    expect(bytes(dingtalk)).toBeLessThanOrEqual(ROBOT_TEXT_MAX_BYTES);
    expect(dingtalk).toContain("已截断");
    const feishu = JSON.stringify(feishuBody(long));
    expect(bytes(feishu)).toBeLessThan(ROBOT_TEXT_MAX_BYTES + 1000);
    expect(feishu).toContain("已截断");
  });
});
