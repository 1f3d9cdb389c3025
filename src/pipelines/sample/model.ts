/**
 * The simulated shop: orders and their after-sales with every event time, generated day by day so a
 * million lines can stream to disk. Rows are rendered from this model "as of" an export moment by
 * rows.ts; nothing here knows about file formats.
 */
import {
  pooledBuyer,
  productTable,
  skuTable,
  type Buyer,
  type Catalog,
  type Channel,
  type Influencer,
  type Product,
  type ShopKey,
  type ShopProfile,
  type Sku,
} from "./catalog.js";
import {clamp, resolveAfterSale, type AfterSale, type AfterSaleType, type Plan} from "./afterSales.js";
import {DAY, formatDay, HOUR, MINUTE, type BeijingSeconds} from "./format.js";
import {CARRIERS, REMOTE_RETURN_MULTIPLIER, type Carrier} from "./geography.js";
import {hash32, idSpace, Random, WeightedTable} from "./random.js";
import {
  ABUSE_STORY_REASONS,
  DEFECT_STORY_REASONS,
  POST_SHIP_REASONS,
  PRE_SHIP_REASONS,
  SIZE_STORY_REASONS,
} from "./reasons.js";

export interface MainOrder {
  id: string;
  shop: ShopProfile;
  buyer: Buyer;
  channel: Channel;
  influencer: Influencer | undefined;
  createdAt: BeijingSeconds;
  payAt: BeijingSeconds;
  payMethod: string;
  app: string;
  adType: "广告" | "非广告";
  trafficChannel: string;
  buyerNote: string;
  flag: string;
  merchantNote: string;
  anxin: boolean;
  addressChanged: boolean;
  lines: OrderLine[];
}

export interface OrderLine {
  id: string;
  order: MainOrder;
  product: Product;
  sku: Sku;
  quantity: number;
  unitFen: number;
  goodsFen: number;
  freightFen: number;
  platformFen: number;
  merchantFen: number;
  merchantCoupon: string;
  talentFen: number;
  payDiscountFen: number;
  /** 订单应付金额: goods + freight − platform − merchant − talent discounts. */
  payableFen: number;
  shipAt: BeijingSeconds | undefined;
  deliveredAt: BeijingSeconds | undefined;
  completedAt: BeijingSeconds | undefined;
  carrier: Carrier;
  tracking: string;
  /** Set when a refund before shipment closed the line. */
  closedAt: BeijingSeconds | undefined;
  cancelReason: string;
  afterSales: AfterSale[];
  /** Drives stable per-cell format quirks, so a line renders the same in every export. */
  quirk: number;
}

export interface SimulationOptions {
  seed: number;
  catalog: Catalog;
  shop: ShopKey;
  /** 子订单 to generate in total. */
  lines: number;
  firstDay: number;
  days: number;
  /** The last export moment; after-sales applied later have not happened yet. */
  horizon: BeijingSeconds;
  /** Keeps ID counters of different shops apart. */
  idBase: number;
}

/** Story 2: extra probability of a quality-reason return on a defective SKU. */
export const DEFECT_EXTRA = 0.2;
/** Story 6: share of an abuser's lines that get a refund-only claim. */
export const ABUSE_CLAIM_RATE = 0.8;
/** Story 6: orders each abuser places, relative to the shop's size. */
export function ordersPerAbuser(lines: number): number {
  return Math.max(12, Math.min(60, Math.round(lines / 500)));
}

export const DESIGNED_LAGS = {
  postShipment:
    "delivered + lognormal(median 3.5 d, σ 0.9, ≤ 25 d); 10% uniform 15–40 d after payment; cap 40 d",
  notReceived: "shipped + uniform 2.5–8 d",
  preShipment: "paid + lognormal(median 3 h, σ 1.2), 2 min – 47 h",
  returnTransitDays: {normal: [2, 4], remote: [5, 9]},
  outboundTransitDays: {normal: [1, 4], remote: [3, 7]},
} as const;

export function* simulateShop(options: SimulationOptions): Generator<MainOrder> {
  yield* new ShopSimulation(options).run();
}

const PAY_METHODS = new WeightedTable([
  ["抖音支付", 40],
  ["微信", 25],
  ["支付宝", 25],
  ["抖音月付", 10],
] as const);
const APPS = new WeightedTable([
  ["抖音", 75],
  ["抖音极速版", 18],
  ["抖音火山版", 7],
] as const);
const BUYER_NOTES = [
  "尽快发货，谢谢",
  "不要发邮政",
  "送人的，不要放发票",
  "麻烦检查一下再发",
  "请用纸箱包装",
];
/** Merchant coupons: name, amount and minimum spend, all in fen. */
const MERCHANT_COUPONS = [
  ["直播间专享券", 1000, 5000],
  ["店铺新人券", 500, 0],
  ["满199减20", 2000, 19900],
  ["粉丝专享券", 1500, 9900],
] as const;

class ShopSimulation {
  private readonly random: Random;
  private readonly shop: ShopProfile;
  private readonly channels: WeightedTable<Channel>;
  private readonly influencers: WeightedTable<Influencer> | undefined;
  private readonly products: WeightedTable<Product>;
  private readonly skus: Map<Product, WeightedTable<Sku>>;
  private readonly hours: WeightedTable<number>;
  private readonly orderIds: (n: number) => string;
  private readonly afterSaleIds7: (n: number) => string;
  private readonly afterSaleIds14: (n: number) => string;
  private orderCounter: number;
  private afterSaleCounter: number;
  private readonly buyerPool: number;
  /** Every n-th main order belongs to an abuser (0: none), so each gets the same number of orders. */
  private readonly abuserEvery: number;
  private mainOrderCount = 0;

  constructor(private readonly options: SimulationOptions) {
    this.random = new Random(hash32(options.seed, options.shop, "orders"));
    this.shop = options.catalog.shops[options.shop];
    this.channels = new WeightedTable(this.shop.channels.map((c) => [c, c.weight] as const));
    this.influencers = this.shop.influencers.length
      ? new WeightedTable(this.shop.influencers.map((i) => [i, i.share] as const))
      : undefined;
    this.products = productTable(this.shop);
    this.skus = new Map(this.shop.products.map((p) => [p, skuTable(p)]));
    this.hours = new WeightedTable(this.shop.hourWeights.map((w, h) => [h, w] as const));
    this.orderIds = idSpace(options.seed, "order", 17);
    this.afterSaleIds7 = idSpace(options.seed, "after-sale-7", 18);
    this.afterSaleIds14 = idSpace(options.seed, "after-sale-14", 17);
    this.orderCounter = options.idBase;
    this.afterSaleCounter = options.idBase;
    const mainOrders = options.lines / 1.2;
    this.buyerPool = Math.max(50, Math.round(mainOrders * 0.75));
    const abuserOrders = options.catalog.abusers.length * ordersPerAbuser(options.lines);
    this.abuserEvery =
      options.shop === "live-apparel" ? Math.max(2, Math.floor(mainOrders / abuserOrders)) : 0;
  }

  *run(): Generator<MainOrder> {
    const quotas = dayQuotas(this.options.firstDay, this.options.days, this.options.lines);
    for (let i = 0; i < quotas.length; i++) {
      const day = this.options.firstDay + i;
      let remaining = quotas[i] as number;
      const sizes: number[] = [];
      while (remaining > 0) {
        const size = Math.min(remaining, this.random.weighted(LINES_PER_ORDER));
        sizes.push(size);
        remaining -= size;
      }
      const times = sizes
        .map(() => day * DAY + this.hours.sample(this.random) * HOUR + this.random.int(0, HOUR - 1))
        .sort((a, b) => a - b);
      for (let k = 0; k < sizes.length; k++) yield this.order(times[k] as number, sizes[k] as number);
    }
  }

  private order(createdAt: BeijingSeconds, lineCount: number): MainOrder {
    const r = this.random;
    const channel = this.channels.sample(r);
    const influencer = channel.viaInfluencer ? this.influencers?.sample(r) : undefined;
    const n = this.mainOrderCount++;
    const abusers = this.options.catalog.abusers;
    const abuser = this.abuserEvery && n % this.abuserEvery === this.abuserEvery - 1;
    const buyer = abuser
      ? (abusers[Math.floor(n / this.abuserEvery) % abusers.length] as Buyer)
      : pooledBuyer(this.options.seed, this.options.shop, Math.floor(this.buyerPool * r.next() ** 1.25));
    const order: MainOrder = {
      id: this.nextOrderId(),
      shop: this.shop,
      buyer,
      channel,
      influencer,
      createdAt,
      payAt: createdAt + r.int(MINUTE, 30 * MINUTE),
      payMethod: PAY_METHODS.sample(r),
      app: APPS.sample(r),
      adType: r.chance(channel.adShare) ? "广告" : "非广告",
      trafficChannel: r.pick(channel.trafficChannels),
      buyerNote: r.chance(0.06) ? r.pick(BUYER_NOTES) : "-",
      flag: r.chance(0.04) ? r.pick(["灰", "红", "绿", "紫"]) : "-",
      merchantNote: r.chance(0.03) ? r.pick(["已备注：优先发货", "老客户，送小礼品", "核对尺码后再发"]) : "-",
      anxin: r.chance(0.3),
      addressChanged: r.chance(0.02),
      lines: [],
    };
    for (let i = 0; i < lineCount; i++) order.lines.push(this.line(order));
    this.allocateMoney(order);
    for (const line of order.lines) this.lifecycle(line);
    return order;
  }

  private line(order: MainOrder): OrderLine {
    const r = this.random;
    const product = this.products.sample(r);
    const sku = (this.skus.get(product) as WeightedTable<Sku>).sample(r);
    // One-size basics (socks, scarves) are bought several at a time more often.
    const quantity = r.weighted(product.skus[0]?.size === "均码" ? MULTIPACK_QUANTITY : QUANTITY);
    return {
      id: this.nextOrderId(),
      order,
      product,
      sku,
      quantity,
      unitFen: product.priceFen,
      goodsFen: product.priceFen * quantity,
      freightFen: 0,
      platformFen: 0,
      merchantFen: 0,
      merchantCoupon: "-",
      talentFen: 0,
      payDiscountFen: 0,
      payableFen: 0,
      shipAt: undefined,
      deliveredAt: undefined,
      completedAt: undefined,
      carrier: CARRIERS.sample(r),
      tracking: "",
      closedAt: undefined,
      cancelReason: "-",
      afterSales: [],
      quirk: r.uint32(),
    };
  }

  /** Order-level freight and discounts, split over the lines in proportion to their goods value. */
  private allocateMoney(order: MainOrder): void {
    const r = this.random;
    const goods = order.lines.reduce((sum, l) => sum + l.goodsFen, 0);
    const remote = order.buyer.province.remote;
    const freight = remote ? 1000 : this.shop.key === "basics-store" && goods < 3990 ? 500 : 0;
    const platform = r.chance(0.28) ? Math.min(r.pick([300, 500, 1000, 2000]), Math.floor(goods * 0.2)) : 0;
    const eligible = MERCHANT_COUPONS.filter(([, , minimum]) => goods >= minimum);
    const coupon = eligible.length && r.chance(0.4) ? r.pick(eligible) : undefined;
    const merchant = coupon ? Math.min(coupon[1], Math.floor(goods * 0.25)) : 0;
    const talent = order.influencer && r.chance(0.2) ? Math.min(500, Math.floor(goods * 0.1)) : 0;
    const payDiscount = r.chance(0.15) ? r.int(50, 500) : 0;
    const byGoods = order.lines.map((l) => l.goodsFen);
    const split = (total: number) => splitByWeight(total, byGoods);
    const freights = splitByWeight(
      freight,
      order.lines.map(() => 1),
    );
    const platforms = split(platform);
    const merchants = split(merchant);
    const talents = split(talent);
    const payDiscounts = split(payDiscount);
    order.lines.forEach((line, i) => {
      line.freightFen = freights[i] as number;
      line.platformFen = platforms[i] as number;
      line.merchantFen = merchants[i] as number;
      line.talentFen = talents[i] as number;
      line.payDiscountFen = payDiscounts[i] as number;
      line.merchantCoupon = coupon ? `${coupon[0]}-${(line.merchantFen / 100).toFixed(2)}` : "-";
      line.payableFen =
        line.goodsFen + line.freightFen - line.platformFen - line.merchantFen - line.talentFen;
    });
  }

  private lifecycle(line: OrderLine): void {
    const r = this.random;
    const order = line.order;
    const plan = this.plan(line);
    let earliestShip = order.payAt + r.int(8 * HOUR, 72 * HOUR);
    if (plan?.type === "未发货仅退款") {
      const applyAt = order.payAt + Math.round(clamp(r.lognormal(3 * HOUR, 1.2), 2 * MINUTE, 47 * HOUR));
      const pre = this.afterSale(line, plan, applyAt);
      line.afterSales.push(pre);
      if (pre.refundAt !== undefined) {
        line.closedAt = pre.refundAt;
        line.cancelReason = pre.reason.text;
        return;
      }
      earliestShip = Math.max(earliestShip, (pre.closeAt as number) + r.int(HOUR, 12 * HOUR));
    }
    const remote = order.buyer.province.remote;
    line.shipAt = earliestShip;
    line.deliveredAt = line.shipAt + Math.round(r.uniform(remote ? 3 : 1, remote ? 7 : 4) * DAY);
    line.completedAt = Math.max(line.deliveredAt + HOUR, line.shipAt + Math.round(r.uniform(5, 12) * DAY));
    line.tracking = line.carrier.tracking(r);
    if (!plan || plan.type === "未发货仅退款") return;

    let applyAt: number;
    if (plan.reason.group === "物流") {
      applyAt = line.shipAt + Math.round(r.uniform(2.5, 8) * DAY);
    } else if (r.chance(0.1)) {
      applyAt = Math.max(line.deliveredAt + HOUR, order.payAt + Math.round(r.uniform(15, 40) * DAY));
    } else {
      applyAt = line.deliveredAt + Math.round(clamp(r.lognormal(3.5 * DAY, 0.9), 30 * MINUTE, 25 * DAY));
    }
    applyAt = Math.min(applyAt, order.payAt + 40 * DAY);
    if (applyAt >= this.options.horizon) return;
    const first = this.afterSale(line, plan, applyAt);
    line.afterSales.push(first);
    // Buyers who withdrew often try again; merchants see several 售后单 on one 子订单.
    const closedByBuyer = first.closeAt !== undefined && first.returnShipAt === undefined;
    if (closedByBuyer && first.type === "退货退款" && r.chance(0.3)) {
      const again = (first.closeAt as number) + r.int(6 * HOUR, 4 * DAY);
      if (again < this.options.horizon) {
        line.afterSales.push(this.afterSale(line, {...plan, forceSuccess: true}, again));
      }
    }
  }

  /** Whether and why this line gets an after-sale; the planted stories are decided here. */
  private plan(line: OrderLine): Plan | undefined {
    const r = this.random;
    const {order, product, sku} = line;
    if (order.buyer.abuser) {
      if (r.chance(ABUSE_CLAIM_RATE)) {
        return {type: "已发货仅退款", reason: ABUSE_STORY_REASONS.sample(r), theme: "物流", story: "abuse"};
      }
      return r.chance(0.1) ? this.ordinaryPostShip() : undefined;
    }
    const base =
      this.shop.baseReturn[order.channel.genre] *
      (order.influencer?.returnMultiplier ?? 1) *
      (order.buyer.province.remote ? REMOTE_RETURN_MULTIPLIER : 1) *
      product.returnMultiplier;
    const defectExtra = sku.defective ? DEFECT_EXTRA : 0;
    const sizeExtra = product.smallSizes.includes(sku.size) ? product.smallSizeExtra : 0;
    const u = r.next();
    if (u < defectExtra) {
      const type = r.chance(0.08) ? "换货" : "退货退款";
      return {type, reason: DEFECT_STORY_REASONS.sample(r), theme: "defect", story: "defect"};
    }
    if (u < defectExtra + sizeExtra) {
      const type = r.chance(0.25) ? "换货" : "退货退款";
      return {type, reason: SIZE_STORY_REASONS.sample(r), theme: "small", story: "size"};
    }
    if (u >= defectExtra + sizeExtra + Math.min(base, 0.9)) return undefined;
    if (r.chance(this.shop.preShipShare)) {
      const reason = PRE_SHIP_REASONS.sample(r);
      return {type: "未发货仅退款", reason, theme: reason.group, story: "base"};
    }
    return this.ordinaryPostShip();
  }

  private ordinaryPostShip(): Plan {
    const r = this.random;
    const reason = POST_SHIP_REASONS.sample(r);
    let type: AfterSaleType = "退货退款";
    let partial = false;
    switch (reason.group) {
      case "物流":
        type = "已发货仅退款";
        break;
      case "错发漏发":
        if (r.chance(0.5)) [type, partial] = ["已发货仅退款", true];
        break;
      case "协商":
        [type, partial] = ["已发货仅退款", true];
        break;
      case "尺码":
        if (r.chance(0.25)) type = "换货";
        break;
      case "质量问题":
        if (r.chance(0.08)) type = "换货";
        break;
      default:
    }
    return {type, reason, theme: reason.group, story: "base", partial};
  }

  private afterSale(line: OrderLine, plan: Plan, applyAt: BeijingSeconds): AfterSale {
    const counter = this.afterSaleCounter++;
    const id = this.random.chance(0.35)
      ? `14${this.afterSaleIds14(counter)}`
      : `7${this.afterSaleIds7(counter)}`;
    return resolveAfterSale(this.random, id, line, plan, applyAt);
  }

  private nextOrderId(): string {
    return `69${this.orderIds(this.orderCounter++)}`;
  }
}

const LINES_PER_ORDER: readonly (readonly [number, number])[] = [
  [1, 82],
  [2, 14],
  [3, 4],
];
const QUANTITY: readonly (readonly [number, number])[] = [
  [1, 86],
  [2, 10],
  [3, 4],
];
const MULTIPACK_QUANTITY: readonly (readonly [number, number])[] = [
  [1, 70],
  [2, 20],
  [3, 10],
];

/** Integer shares of `total` proportional to weights; the remainder goes to the first share. */
function splitByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  shares[0] = (shares[0] as number) + total - shares.reduce((a, b) => a + b, 0);
  return shares;
}

/** Relative order volume of a day: weekends and shopping festivals sell more. */
function dayWeight(day: number): number {
  const date = formatDay(day);
  const md = date.slice(5);
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  let weight = weekday === 0 || weekday === 6 ? 1.15 : 1;
  if (md === "11-11") weight *= 2.6;
  else if (md === "11-10") weight *= 1.6;
  else if (md >= "11-01" && md <= "11-09") weight *= 1.25;
  else if (md === "06-18" || md === "12-12") weight *= 2;
  else if (md === "03-08") weight *= 1.5;
  return weight;
}

/** Lines per day, summing exactly to `total` (largest remainder). */
function dayQuotas(firstDay: number, days: number, total: number): number[] {
  const weights = Array.from({length: days}, (_, i) => dayWeight(firstDay + i));
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const quotas = exact.map(Math.floor);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let missing = total - quotas.reduce((a, b) => a + b, 0);
  for (const [, i] of order) {
    if (missing-- <= 0) break;
    quotas[i] = (quotas[i] as number) + 1;
  }
  return quotas;
}
