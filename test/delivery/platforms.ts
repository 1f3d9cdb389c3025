/**
 * A local stand-in for the three robot platforms and a generic webhook receiver, on 127.0.0.1. It
 * checks what it receives the way each platform documents it — the signature recomputed here with
 * node:crypto from the timestamp and the shared secret, timestamps older than an hour refused —
 * and answers with the platform's JSON. Faults queued in `faults` are served first, one per request.
 */
import {createHmac} from "node:crypto";
import {createServer, type IncomingHttpHeaders} from "node:http";
import type {AddressInfo} from "node:net";

/** "pass" serves the request normally: it lets one queue script several channels. */
export type Fault = "500" | "429" | "reset" | "rate-limit" | "pass";

export interface Received {
  platform: "feishu" | "dingtalk" | "wecom" | "webhook" | "unknown";
  path: string;
  /** The query string as sent, before any decoding. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  answer: string;
  /** Why the request was refused, when it was ("sign", "token", "expired", "fault:500" …). */
  refused?: string;
}

export interface PlatformSecrets {
  feishu: string;
  dingtalk: string;
  webhook: string;
}

export interface PlatformTokens {
  feishu: string;
  dingtalk: string;
  wecom: string;
  webhook: string;
}

export interface FakePlatforms {
  origin: string;
  urls: Record<keyof PlatformTokens, string>;
  received: Received[];
  faults: Fault[];
  /** When set, refused answers quote the token back (as a careless platform might). */
  echoTokens: boolean;
  close(): Promise<void>;
}

const HOUR_MS = 3600_000;

// The documented answers.
const FEISHU_OK = {code: 0, data: {}, msg: "success"};
const FEISHU_SIGN = {
  code: 19021,
  data: {},
  msg: "sign match fail or timestamp is not within one hour from current time",
};
const FEISHU_RATE = {
  code: 11232,
  data: {},
  msg: "frequency limited psm[lark.oapi.app_platform_runtime]appID[1500]",
};
const DINGTALK_OK = {errcode: 0, errmsg: "ok"};
const DINGTALK_RATE = {errcode: 130101, errmsg: "send too fast, exceed 20 times per minute"};
const WECOM_OK = {errcode: 0, errmsg: "ok"};
const WECOM_RATE = {errcode: 45009, errmsg: "api freq out of limit"};

function platformOf(path: string): Received["platform"] {
  if (path.startsWith("/open-apis/bot/v2/hook/")) return "feishu";
  if (path === "/robot/send") return "dingtalk";
  if (path === "/cgi-bin/webhook/send") return "wecom";
  if (path.startsWith("/hooks/")) return "webhook";
  return "unknown";
}

export async function startFakePlatforms(
  secrets: PlatformSecrets,
  tokens: PlatformTokens,
): Promise<FakePlatforms> {
  const received: Received[] = [];
  const state = {faults: [] as Fault[], echoTokens: false};

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const record: Received = {
        platform: platformOf(url.pathname),
        path: url.pathname,
        rawQuery: url.search.slice(1),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        status: 0,
        answer: "",
      };
      received.push(record);
      const answer = (
        status: number,
        body: unknown,
        headers: Record<string, string> = {},
        refused?: string,
      ) => {
        record.status = status;
        record.answer = typeof body === "string" ? body : JSON.stringify(body);
        record.refused = refused;
        res.writeHead(status, {"content-type": "application/json; charset=utf-8", ...headers});
        res.end(record.answer);
      };

      const fault = state.faults.shift();
      if (fault === "reset") {
        record.refused = "fault:reset";
        req.socket.destroy();
        return;
      }
      if (fault === "500")
        return answer(500, "Internal Server Error", {"content-type": "text/plain"}, "fault:500");
      if (fault === "429")
        return answer(429, {error: "too many requests"}, {"retry-after": "2"}, "fault:429");
      if (fault === "rate-limit") {
        const body = {feishu: FEISHU_RATE, dingtalk: DINGTALK_RATE, wecom: WECOM_RATE}[
          record.platform as "feishu" | "dingtalk" | "wecom"
        ];
        return answer(200, body ?? {error: "rate limited"}, {}, "fault:rate-limit");
      }

      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(record.body) as Record<string, unknown>;
      } catch {
        if (record.platform !== "webhook") return answer(400, {code: 9499, msg: "Bad Request"}, {}, "json");
      }
      const echo = (token: string) => (state.echoTokens ? ` (token ${token})` : "");

      switch (record.platform) {
        case "feishu": {
          const token = url.pathname.split("/").pop() ?? "";
          if (token !== tokens.feishu)
            return answer(
              200,
              {
                code: 19001,
                data: {},
                msg: `param invalid: incoming webhook access token invalid${echo(token)}`,
              },
              {},
              "token",
            );
          // 签名校验: HMAC-SHA256 keyed with `${timestamp}\n${secret}` over an empty message, base64.
          const timestamp = Number(json.timestamp);
          if (!Number.isFinite(timestamp) || Math.abs(Date.now() - timestamp * 1000) > HOUR_MS)
            return answer(200, FEISHU_SIGN, {}, "expired");
          const expected = createHmac("sha256", `${json.timestamp}\n${secrets.feishu}`)
            .update(Buffer.alloc(0))
            .digest("base64");
          if (json.sign !== expected) return answer(200, FEISHU_SIGN, {}, "sign");
          const post = (json.content as {post?: {zh_cn?: {title?: unknown; content?: unknown}}} | undefined)
            ?.post?.zh_cn;
          if (json.msg_type !== "post" || typeof post?.title !== "string" || !Array.isArray(post.content))
            return answer(200, {code: 9499, data: {}, msg: "Bad Request"}, {}, "format");
          return answer(200, FEISHU_OK);
        }
        case "dingtalk": {
          const token = url.searchParams.get("access_token") ?? "";
          if (token !== tokens.dingtalk)
            return answer(200, {errcode: 300001, errmsg: `token is not exist${echo(token)}`}, {}, "token");
          // 加签: HMAC-SHA256 keyed with the secret over `${timestamp}\n${secret}`, base64, urlencoded.
          const timestamp = url.searchParams.get("timestamp") ?? "";
          if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > HOUR_MS)
            return answer(200, {errcode: 310000, errmsg: "invalid timestamp"}, {}, "expired");
          const expected = createHmac("sha256", secrets.dingtalk)
            .update(`${timestamp}\n${secrets.dingtalk}`, "utf8")
            .digest("base64");
          if (url.searchParams.get("sign") !== expected)
            return answer(
              200,
              {
                errcode: 310000,
                errmsg: "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
              },
              {},
              "sign",
            );
          const markdown = json.markdown as {title?: unknown; text?: unknown} | undefined;
          if (
            json.msgtype !== "markdown" ||
            typeof markdown?.title !== "string" ||
            typeof markdown.text !== "string"
          )
            return answer(200, {errcode: 40035, errmsg: "缺少参数 json"}, {}, "format");
          return answer(200, DINGTALK_OK);
        }
        case "wecom": {
          const key = url.searchParams.get("key") ?? "";
          if (key !== tokens.wecom)
            return answer(200, {errcode: 93000, errmsg: `invalid webhook url${echo(key)}`}, {}, "token");
          const content = (json.markdown as {content?: unknown} | undefined)?.content;
          if (json.msgtype !== "markdown" || typeof content !== "string")
            return answer(200, {errcode: 40008, errmsg: "invalid message type"}, {}, "format");
          if (Buffer.byteLength(content, "utf8") > 4096)
            return answer(
              200,
              {errcode: 40058, errmsg: "markdown.content exceed max length 4096"},
              {},
              "length",
            );
          return answer(200, WECOM_OK);
        }
        case "webhook": {
          const token = url.pathname.split("/").pop() ?? "";
          if (token !== tokens.webhook)
            return answer(404, {error: `no such hook${echo(token)}`}, {}, "token");
          const expected =
            "sha256=" + createHmac("sha256", secrets.webhook).update(Buffer.concat(chunks)).digest("hex");
          if (req.headers["x-returnscope-signature"] !== expected)
            return answer(401, {error: "bad signature"}, {}, "sign");
          return answer(200, {ok: true});
        }
        default:
          return answer(404, {error: "not found"}, {}, "path");
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    urls: {
      feishu: `${origin}/open-apis/bot/v2/hook/${tokens.feishu}`,
      dingtalk: `${origin}/robot/send?access_token=${tokens.dingtalk}`,
      wecom: `${origin}/cgi-bin/webhook/send?key=${tokens.wecom}`,
      webhook: `${origin}/hooks/${tokens.webhook}`,
    },
    received,
    get faults() {
      return state.faults;
    },
    set faults(value: Fault[]) {
      state.faults = value;
    },
    get echoTokens() {
      return state.echoTokens;
    },
    set echoTokens(value: boolean) {
      state.echoTokens = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
