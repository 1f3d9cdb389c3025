/**
 * A local stand-in for the 抖店 open platform (loopback, port 0) implementing the documented
 * protocol (domain.md §2): it verifies every signature (hmac-sha256 or md5 over the exact body),
 * the timestamp window and the access token, answers in the `{code, msg, sub_code, sub_msg, data}`
 * envelope, pages afterSale/List and order/searchList (size ≤ 100, page from 0) and writes every
 * ID as a bare JSON number beyond 2^53. Tests script failures through `inject`.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {LosslessNumber, parse, stringify} from "lossless-json";
import {sign, type SignMethod} from "../../src/pipelines/api/sign.js";

const N = (value: bigint | number | string) => new LosslessNumber(String(value));

export interface Spec {
  name: string;
  value: string;
}

export interface FakeAfterSale {
  id: bigint;
  orderId: bigint;
  skuOrderId: bigint;
  productId: bigint;
  /** afterSale/List enumerations. */
  type: number;
  status: number;
  /** afterSale/Detail enumerations (default: the list's). */
  detailStatus?: number;
  detailType?: number;
  refundStatus?: number;
  applyTime: number;
  updateTime: number;
  refundFen: number;
  refundPostFen?: number;
  payFen: number;
  spec: Spec[];
  reason: string;
  skuCode?: string;
  productName?: string;
  refundTime?: number;
  returnShippedAt?: number;
  statusDeadline?: number;
  reasonRemark?: string;
  /** Send aftersale_id as a JSON string (the SDK's type) instead of a bare number. */
  idAsString?: boolean;
}

export interface FakeOrderLine {
  skuOrderId: bigint;
  productId: bigint;
  spec: Spec[];
  itemNum: number;
  priceFen: number;
  payFen: number;
  code: string;
}

export interface FakeOrder {
  orderId: bigint;
  status: number;
  createTime: number;
  payTime: number;
  shipTime?: number;
  updateTime: number;
  province: string;
  city: string;
  town: string;
  receiver: string;
  tel: string;
  address: string;
  lines: FakeOrderLine[];
}

export interface Call {
  path: string;
  method: string;
  query: Record<string, string>;
  params: Record<string, unknown>;
  /** Whether the call passed the checks (signature, timestamp, token). */
  verified: boolean;
}

export type Injected = {status?: number; body: unknown} | undefined;

export interface FakeOptions {
  appKey: string;
  appSecret: string;
  shopId: string;
  authCode?: string;
  /** The server's clock, Unix seconds. */
  now: () => number;
  accessLifetime?: number;
  /** A distinctive part of every token issued (for the tests that look for leaked secrets). */
  tokenTag?: string;
}

function envelope(data: unknown) {
  return {code: 10000, msg: "success", sub_code: "", sub_msg: "", log_id: "202611120800000001", data};
}

function failure(code: number, subCode: string, msg: string, subMsg: string) {
  return {code, msg, sub_code: subCode, sub_msg: subMsg, log_id: "202611120800000002", data: null};
}

const num = (value: unknown): number | null =>
  value === undefined || value === null ? null : Number(String(value));

export class FakeDoudian {
  afterSales: FakeAfterSale[] = [];
  orders: FakeOrder[] = [];
  calls: Call[] = [];
  inject: ((call: Call) => Injected) | null = null;
  /** Every token issued, to check none leaks. */
  issued: string[] = [];
  private access = new Map<string, number>();
  private refresh = new Map<string, number>();
  private usedCodes = new Set<string>();
  private server: Server | null = null;
  url = "";

  constructor(readonly options: FakeOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const {port} = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Every access token stops working (as after its expiry). */
  expireAccessTokens(): void {
    for (const token of this.access.keys()) this.access.set(token, 0);
  }

  callsTo(method: string): Call[] {
    return this.calls.filter((call) => call.method === method);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    let params: Record<string, unknown>;
    try {
      params = (parse(body || "{}") as Record<string, unknown>) ?? {};
    } catch {
      params = {};
    }
    const call: Call = {path: url.pathname, method: query.method ?? "", query, params, verified: false};
    this.calls.push(call);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, {"content-type": "application/json"});
      res.end(typeof payload === "string" ? payload : stringify(payload));
    };
    const rejection = this.verify(call, body);
    if (rejection) return send(200, rejection);
    call.verified = true;
    const injected = this.inject?.(call);
    if (injected) return send(injected.status ?? 200, injected.body);
    send(200, this.dispatch(call));
  }

  private verify(call: Call, body: string): unknown {
    const {app_key, method, timestamp, v, sign: signature, sign_method} = call.query;
    if (!app_key || !method || !timestamp || !signature || v !== "2")
      return failure(40001, "isv.missing-parameter", "缺少必选参数", "app_key/method/timestamp/sign/v");
    if (method !== call.path.replace(/^\//, "").replace(/\//g, "."))
      return failure(40003, "isv.method-invalid", "参数不合法", "method 与路径不符");
    if (app_key !== this.options.appKey)
      return failure(40003, "isv.app-key-invalid", "参数不合法", "app_key不存在");
    if (Math.abs(Number(timestamp) - this.options.now()) > 600)
      return failure(40003, "isv.timestamp-invalid", "参数不合法", "timestamp与服务器时间相差超过10分钟");
    const expected = sign(
      {appKey: app_key, appSecret: this.options.appSecret, method, timestamp, paramJson: body},
      (sign_method ?? "hmac-sha256") as SignMethod,
    );
    if (expected !== signature) return failure(40003, "isv.signature-invalid", "参数不合法", "签名校验失败");
    if (!call.path.startsWith("/token/")) {
      const token = call.query.access_token;
      if (!token) return failure(40001, "isv.missing-parameter:access_token", "缺少必选参数", "access_token");
      const expiresAt = this.access.get(token);
      if (expiresAt === undefined)
        return failure(40003, "isv.access-token-no-exist", "参数不合法", "access_token不存在");
      if (expiresAt <= this.options.now())
        return failure(40003, "isv.access-token-expired", "参数不合法", "access_token已过期");
    }
    return null;
  }

  private issue(): unknown {
    const n = this.issued.length / 2 + 1;
    const tag = this.options.tokenTag ?? "TOKEN";
    const access = `ACCESS-${tag}-${n}-4f7c2a`;
    const refresh = `REFRESH-${tag}-${n}-9b1d3e`;
    this.issued.push(access, refresh);
    const lifetime = this.options.accessLifetime ?? 7 * 86400;
    this.access.set(access, this.options.now() + lifetime);
    this.refresh.set(refresh, this.options.now() + 14 * 86400);
    return envelope({
      access_token: access,
      expires_in: N(lifetime),
      refresh_token: refresh,
      scope: "SCOPE",
      shop_id: N(this.options.shopId),
      shop_name: "测试旗舰店",
      authority_id: "",
      auth_subject_type: "MiniApp",
    });
  }

  private dispatch(call: Call): unknown {
    const p = call.params;
    switch (call.path) {
      case "/token/create":
        if (p.grant_type === "authorization_self") {
          if (String(p.shop_id) !== this.options.shopId)
            return failure(30001, "isv.shop-not-authorized", "无权限", "店铺未授权该应用");
          return this.issue();
        }
        if (p.grant_type === "authorization_code") {
          const code = String(p.code);
          if (code !== this.options.authCode || this.usedCodes.has(code))
            return failure(40003, "isv.code-invalid", "参数不合法", "授权码无效或已使用");
          this.usedCodes.add(code);
          return this.issue();
        }
        return failure(40003, "isv.grant-type-invalid", "参数不合法", "grant_type");
      case "/token/refresh": {
        const token = String(p.refresh_token);
        const expiresAt = this.refresh.get(token);
        if (p.grant_type !== "refresh_token" || expiresAt === undefined || expiresAt <= this.options.now())
          return failure(40003, "isv.refresh-token-invalid", "参数不合法", "refresh_token无效");
        this.refresh.delete(token);
        return this.issue();
      }
      case "/afterSale/List":
        return this.afterSaleList(p);
      case "/afterSale/Detail":
        return this.afterSaleDetail(p);
      case "/order/searchList":
        return this.orderList(p);
      default:
        return failure(40003, "isv.method-not-exist", "参数不合法", "method不存在");
    }
  }

  private page<T>(rows: T[], p: Record<string, unknown>): {rows: T[]; page: number; size: number} | unknown {
    const page = num(p.page) ?? 0;
    const size = num(p.size) ?? 10;
    if (size > 100) return failure(40003, "isv.parameter-invalid", "参数不合法", "size不能超过100");
    return {rows: rows.slice(page * size, page * size + size), page, size};
  }

  private afterSaleList(p: Record<string, unknown>): unknown {
    const byUpdate = p.update_start_time !== undefined;
    const from = num(byUpdate ? p.update_start_time : p.start_time) ?? 0;
    const to = num(byUpdate ? p.update_end_time : p.end_time) ?? Infinity;
    const matching = this.afterSales
      .filter((a) => {
        const t = byUpdate ? a.updateTime : a.applyTime;
        return t >= from && t <= to;
      })
      .sort((a, b) => a.updateTime - b.updateTime || (a.id < b.id ? -1 : 1));
    const paged = this.page(matching, p) as {rows: FakeAfterSale[]; page: number; size: number};
    if (!("rows" in (paged as object))) return paged;
    return envelope({
      items: paged.rows.map((a) => this.listItem(a)),
      has_more: (paged.page + 1) * paged.size < matching.length,
      total: N(matching.length),
      page: N(paged.page),
      size: N(paged.size),
    });
  }

  private listItem(a: FakeAfterSale): unknown {
    return {
      aftersale_info: {
        aftersale_id: a.idAsString ? a.id.toString() : N(a.id),
        aftersale_order_type: N(1),
        aftersale_type: N(a.type),
        aftersale_status: N(a.status),
        related_id: a.skuOrderId.toString(),
        apply_time: N(a.applyTime),
        update_time: N(a.updateTime),
        create_time: N(a.applyTime),
        status_deadline: N(a.statusDeadline ?? 0),
        refund_amount: N(a.refundFen + (a.refundPostFen ?? 0)),
        refund_post_amount: N(a.refundPostFen ?? 0),
        refund_tax_amount: N(0),
        return_promotion_amount: N(0),
        aftersale_num: N(1),
        part_type: N(0),
        aftersale_refund_type: N(a.type === 3 ? 4 : 0),
        refund_type: N(0),
        refund_status: N(a.refundStatus ?? (a.status === 12 ? 3 : 1)),
        arbitrate_status: N(0),
        return_logistics_code: a.returnShippedAt ? "YT7350000000001" : "",
        return_logistics_company_name: a.returnShippedAt ? "圆通速递" : "",
        got_pkg: N(1),
        is_agree_refuse_sign: N(0),
        reason_second_labels: [{code: N(101), name: "尺码偏小"}],
        order_logistics: [
          {
            tracking_no: "SF1400000000001",
            company_name: "顺丰速运",
            company_code: "shunfeng",
            logistics_time: N(a.applyTime - 86400),
            logistics_state: N(2),
          },
        ],
        remark: "",
        store_id: N(0),
        store_name: "",
      },
      order_info: {
        shop_order_id: N(a.orderId),
        order_flag: N(0),
        related_order_info: [
          {
            sku_order_id: N(a.skuOrderId),
            order_status: N(3),
            pay_amount: N(a.payFen),
            post_amount: N(0),
            item_num: N(1),
            create_time: N(a.applyTime - 3 * 86400),
            tax_amount: N(0),
            product_name: a.productName ?? "法式碎花连衣裙",
            product_id: N(a.productId),
            sku_spec: a.spec,
            shop_sku_code: a.skuCode ?? "DR01-RD-M",
            aftersale_pay_amount: N(a.refundFen),
            aftersale_post_amount: N(0),
            aftersale_item_num: N(1),
            price: N(a.payFen),
          },
        ],
      },
      text_part: {
        logistics_text: "已发货",
        aftersale_status_text: "平台文案",
        aftersale_type_text: "平台文案",
        reason_text: a.reason,
        arbitrate_status_text: "",
      },
    };
  }

  private afterSaleDetail(p: Record<string, unknown>): unknown {
    const id = String(p.after_sale_id);
    const a = this.afterSales.find((x) => x.id.toString() === id);
    if (!a) return failure(40003, "isv.parameter-invalid", "参数不合法", "售后单不存在");
    return envelope({
      process_info: {
        after_sale_info: {
          after_sale_id: N(a.id),
          after_sale_status: N(a.detailStatus ?? a.status),
          after_sale_type: N(a.detailType ?? a.type),
          refund_status: N(a.refundStatus ?? (a.status === 12 ? 3 : 1)),
          refund_total_amount: N(a.refundFen + (a.refundPostFen ?? 0)),
          refund_post_amount: N(a.refundPostFen ?? 0),
          apply_time: N(a.applyTime),
          update_time: N(a.updateTime),
          status_deadline: N(a.statusDeadline ?? 0),
          refund_time: N(a.refundTime ?? 0),
          reason: a.reason,
          reason_code: N(16),
          reason_remark: a.reasonRemark ?? "",
          reason_second_labels: [{code: N(101), name: "尺码偏小"}],
          post_receiver: "张三丰PII姓名",
          encrypt_post_tel_sec: "#13800138000PII#",
          post_address: {
            province: {id: "44", name: "广东省"},
            city: {id: "4401", name: "广州市"},
            town: {id: "440106", name: "天河区"},
            street: {id: "440106001", name: "PII街道"},
            detail: "PII详细地址101室",
          },
        },
        logistics_info: a.returnShippedAt
          ? {
              return: {
                tracking_no: "YT7350000000001",
                company_name: "圆通速递",
                company_code: "yuantong",
                logistics_time: N(a.returnShippedAt),
              },
            }
          : {},
      },
      order_info: {shop_order_id: N(a.orderId), sku_order_infos: []},
    });
  }

  private orderList(p: Record<string, unknown>): unknown {
    const byUpdate = p.update_time_start !== undefined;
    const from = num(byUpdate ? p.update_time_start : p.create_time_start) ?? 0;
    const to = num(byUpdate ? p.update_time_end : p.create_time_end) ?? Infinity;
    const matching = this.orders
      .filter((o) => {
        const t = byUpdate ? o.updateTime : o.createTime;
        return t >= from && t <= to;
      })
      .sort((a, b) => a.updateTime - b.updateTime || (a.orderId < b.orderId ? -1 : 1));
    const paged = this.page(matching, p) as {rows: FakeOrder[]; page: number; size: number};
    if (!("rows" in (paged as object))) return paged;
    return envelope({
      shop_order_list: paged.rows.map((o) => ({
        order_id: N(o.orderId),
        order_status: N(o.status),
        pay_type: N(1),
        create_time: N(o.createTime),
        pay_time: N(o.payTime),
        ship_time: N(o.shipTime ?? 0),
        finish_time: N(0),
        update_time: N(o.updateTime),
        b_type_desc: "抖音",
        c_biz_desc: "小店自卖",
        buyer_words: "PII买家留言",
        encrypt_post_receiver: `#${o.receiver}#`,
        encrypt_post_tel: `#${o.tel}#`,
        post_addr: {
          province: {id: "44", name: o.province},
          city: {id: "4401", name: o.city},
          town: {id: "440106", name: o.town},
          street: {id: "440106001", name: "PII街道"},
          encrypt_detail: `#${o.address}#`,
        },
        logistics_info: o.shipTime
          ? [{tracking_no: "SF1400000000002", company_name: "顺丰速运", ship_time: N(o.shipTime)}]
          : [],
        sku_order_list: o.lines.map((line) => ({
          order_id: line.skuOrderId.toString(),
          parent_order_id: o.orderId.toString(),
          order_status: N(o.status),
          order_status_desc: "平台文案",
          product_id: N(line.productId),
          product_id_str: line.productId.toString(),
          product_name: "法式碎花连衣裙",
          code: line.code,
          spec: line.spec,
          item_num: N(line.itemNum),
          origin_amount: N(line.priceFen),
          pay_amount: N(line.payFen),
          post_amount: N(0),
          promotion_amount: N(line.priceFen * line.itemNum - line.payFen),
          author_id: N(0),
          author_name: "",
          update_time: N(o.updateTime),
        })),
      })),
      total: N(matching.length),
      page: N(paged.page),
      size: N(paged.size),
    });
  }
}

/** A clock for the client and the server: sleeping advances it (and is recorded) instead of waiting. */
export class TestClock {
  sleeps: number[] = [];
  constructor(public ms: number) {}
  now = (): Date => new Date(this.ms);
  seconds = (): number => Math.floor(this.ms / 1000);
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.ms += ms;
  };
}
