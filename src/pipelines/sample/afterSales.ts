/**
 * One after-sale (售后单) of the model: its type, reason and the time of every step it takes, decided
 * once when it is created.
 */
import {DAY, HOUR, MINUTE, type BeijingSeconds} from "./format.js";
import {CARRIERS, type Carrier} from "./geography.js";
import type {Sku} from "./catalog.js";
import type {OrderLine} from "./model.js";
import type {Random} from "./random.js";
import {buyerComment, reasonLabel, type CommentTheme, type ReasonText} from "./reasons.js";

export type AfterSaleType = "退货退款" | "已发货仅退款" | "未发货仅退款" | "换货";
/** Which planted story produced an after-sale; "base" is ordinary behaviour. */
export type Story = "base" | "size" | "defect" | "abuse";

export interface AfterSale {
  id: string;
  line: OrderLine;
  type: AfterSaleType;
  reason: ReasonText;
  label: string;
  comment: string;
  commentHasPhone: boolean;
  story: Story;
  applyAt: BeijingSeconds;
  agreeAt: BeijingSeconds | undefined;
  returnShipAt: BeijingSeconds | undefined;
  returnReceivedAt: BeijingSeconds | undefined;
  returnCarrier: Carrier | undefined;
  returnTracking: string;
  refundAt: BeijingSeconds | undefined;
  arrivedAt: BeijingSeconds | undefined;
  closeAt: BeijingSeconds | undefined;
  exchangeShipAt: BeijingSeconds | undefined;
  exchangeDoneAt: BeijingSeconds | undefined;
  exchangeTracking: string;
  exchangeSpec: string;
  refundGoodsFen: number;
  refundFreightFen: number;
  refundPayDiscountFen: number;
  fast: boolean;
  refuseSign: boolean;
  arbitration: string;
  blame: string;
  operator: string;
  negotiation: string;
  quirk: number;
}

type Outcome = "success" | "cancel" | "noShip" | "refused";

/** What the simulation decided for a line: the kind of after-sale, why, and which story it tells. */
export interface Plan {
  type: AfterSaleType;
  reason: ReasonText;
  theme: CommentTheme;
  story: Story;
  /** Refund part of the goods (少件, 协商一致). */
  partial?: boolean;
  /** A buyer's second attempt after closing the first: it goes through. */
  forceSuccess?: boolean;
}

/**
 * Decides how one after-sale unfolds (approval, return parcel, refund, exchange or closure) and
 * when each step happens; rows.ts reads the status at any moment off these times.
 */
export function resolveAfterSale(
  r: Random,
  id: string,
  line: OrderLine,
  plan: Plan,
  applyAt: BeijingSeconds,
): AfterSale {
  const comment = buyerComment(r, plan.theme);
  const as: AfterSale = {
    id,
    line,
    type: plan.type,
    reason: plan.reason,
    label: reasonLabel(r, plan.reason.group, plan.theme),
    comment: comment.text,
    commentHasPhone: comment.hasPhone,
    story: plan.story,
    applyAt,
    agreeAt: undefined,
    returnShipAt: undefined,
    returnReceivedAt: undefined,
    returnCarrier: undefined,
    returnTracking: "",
    refundAt: undefined,
    arrivedAt: undefined,
    closeAt: undefined,
    exchangeShipAt: undefined,
    exchangeDoneAt: undefined,
    exchangeTracking: "",
    exchangeSpec: "",
    refundGoodsFen: line.payableFen - line.freightFen,
    refundFreightFen: 0,
    refundPayDiscountFen: line.payDiscountFen,
    fast: false,
    refuseSign: false,
    arbitration: "-",
    blame: "-",
    operator: "-",
    negotiation: "-",
    quirk: r.uint32(),
  };
  const staff = () => r.pick(["客服小美", "客服阿杰", "售后-小林", "系统"]);
  if (plan.type === "未发货仅退款") {
    as.refundFreightFen = line.freightFen;
    as.fast = r.chance(0.7);
    if (plan.forceSuccess || r.chance(0.97)) {
      as.agreeAt = applyAt + (as.fast ? r.int(5, 180) : r.int(30 * MINUTE, 20 * HOUR));
      as.refundAt = as.agreeAt + r.int(1, 30);
      as.arrivedAt = as.refundAt + r.int(10, 10 * MINUTE);
      as.operator = as.fast ? "系统" : staff();
    } else {
      as.closeAt = applyAt + r.int(10 * MINUTE, 6 * HOUR);
      as.negotiation = "买家撤销售后申请";
    }
    return as;
  }
  if (plan.type === "已发货仅退款") {
    if (plan.partial) as.refundGoodsFen = Math.round(as.refundGoodsFen * r.uniform(0.3, 0.6));
    as.refuseSign = plan.reason.group === "物流" && r.chance(0.15);
    if (plan.forceSuccess || r.chance(0.85)) {
      as.agreeAt = applyAt + r.int(2 * HOUR, 40 * HOUR);
      as.refundAt = as.agreeAt + r.int(5, 120);
      as.arrivedAt = as.refundAt + r.int(10, 2 * HOUR);
      as.operator = staff();
    } else {
      as.closeAt = applyAt + r.int(2 * HOUR, 40 * HOUR);
      as.operator = staff();
      as.negotiation = "商家拒绝：物流显示已签收";
      if (r.chance(0.2)) [as.arbitration, as.blame] = ["仲裁结束-支持卖家", "买家"];
    }
    return as;
  }
  // 退货退款 and 换货: the parcel goes back before anything is refunded or re-sent.
  as.fast = r.chance(0.15);
  as.agreeAt =
    applyAt + (as.fast ? r.int(5, 5 * MINUTE) : Math.round(clamp(r.lognormal(5 * HOUR, 1), 60, 47 * HOUR)));
  as.operator = as.fast ? "系统" : staff();
  const exchange = plan.type === "换货";
  if (exchange) {
    as.refundGoodsFen = 0;
    as.refundPayDiscountFen = 0;
    as.exchangeSpec = exchangeSpec(line.sku, plan.story === "size");
  }
  const outcome = plan.forceSuccess
    ? "success"
    : r.weighted<Outcome>(
        exchange
          ? [
              ["success", 92],
              ["cancel", 8],
            ]
          : [
              ["success", 88],
              ["cancel", 5],
              ["noShip", 4],
              ["refused", 3],
            ],
      );
  if (outcome === "cancel") {
    as.closeAt = applyAt + r.int(HOUR, 3 * DAY);
    if (as.agreeAt >= as.closeAt) as.agreeAt = undefined;
    as.negotiation = "买家撤销售后申请";
    return as;
  }
  if (outcome === "noShip") {
    as.closeAt = as.agreeAt + 7 * DAY;
    as.negotiation = "买家超时未退货，售后关闭";
    return as;
  }
  const remote = line.order.buyer.province.remote;
  as.returnShipAt = as.agreeAt + Math.round(clamp(r.lognormal(20 * HOUR, 0.9), 30 * MINUTE, 6.5 * DAY));
  as.returnReceivedAt = as.returnShipAt + Math.round(r.uniform(remote ? 5 : 2, remote ? 9 : 4) * DAY);
  as.returnCarrier = CARRIERS.sample(r);
  as.returnTracking = as.returnCarrier.tracking(r);
  if (outcome === "refused") {
    as.closeAt = as.returnReceivedAt + r.int(6 * HOUR, 2 * DAY);
    as.negotiation = "商家拒绝：退回商品与原商品不符";
    [as.arbitration, as.blame] = r.chance(0.5) ? ["仲裁结束-支持卖家", "买家"] : ["客服处理中", "-"];
    return as;
  }
  if (exchange) {
    as.exchangeShipAt = as.returnReceivedAt + r.int(4 * HOUR, 2 * DAY);
    as.exchangeDoneAt = as.exchangeShipAt + Math.round(r.uniform(2, 5) * DAY);
    as.exchangeTracking = CARRIERS.sample(r).tracking(r);
    return as;
  }
  as.refundAt = as.returnReceivedAt + r.int(HOUR, 30 * HOUR);
  as.arrivedAt = as.refundAt + r.int(10, 2 * HOUR);
  if (plan.story !== "base" && r.chance(0.04)) [as.arbitration, as.blame] = ["仲裁结束-支持买家", "商家"];
  return as;
}

const SIZE_ORDER = ["S", "M", "L", "XL", "XXL", "2XL"];

/** What the buyer asked for in exchange: the next size up when the item ran small. */
function exchangeSpec(sku: Sku, upsize: boolean): string {
  const i = SIZE_ORDER.indexOf(sku.size);
  const size = upsize && i >= 0 && i < 4 ? (SIZE_ORDER[i + 1] as string) : sku.size;
  return `颜色:${sku.colour};尺码:${size}`;
}

export function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
