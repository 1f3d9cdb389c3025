/**
 * The planted stories as data (truth.json): what was designed, and what the generated files actually
 * contain, so tests of the metrics can check that they find each story.
 */
import type {AfterSale} from "./afterSales.js";
import type {Catalog, Genre, ShopKey} from "./catalog.js";
import {DAY, formatDay, type BeijingSeconds} from "./format.js";
import {PROVINCES, REMOTE_RETURN_MULTIPLIER} from "./geography.js";
import {ABUSE_CLAIM_RATE, DEFECT_EXTRA, DESIGNED_LAGS, ordersPerAbuser, type MainOrder} from "./model.js";
import {NOT_RECEIVED_TEXTS, REASONS, type ReasonText} from "./reasons.js";
import {afterSaleStatus} from "./rows.js";

/** Units and lines of a group, and how many of them were returned. */
export interface Tally {
  lines: number;
  units: number;
  returnedLines: number;
  returnedUnits: number;
  /** returnedUnits / units. */
  unitReturnRate: number;
}

export interface ShopTruth {
  name: string;
  directory: string;
  mainOrders: number;
  orderLines: number;
  afterSales: number;
  afterSalesByType: Record<string, number>;
  /** Each after-sale counted in its latest visible status. */
  afterSalesByStatus: Record<string, number>;
  returned: Tally;
  files: string[];
}

export interface SampleTruth {
  seed: number;
  endDate: string;
  days: number;
  firstOrderDate: string;
  lastExportDate: string;
  definitions: Record<string, string>;
  shops: Record<ShopKey, ShopTruth>;
  stories: {
    sizesRunSmall: {
      shop: ShopKey;
      productId: string;
      style: string;
      productName: string;
      smallSizes: string[];
      referenceSizes: string[];
      designed: {extraSizeReturnProbability: number; productReturnMultiplier: number};
      realized: {bySize: Record<string, Tally>; small: Tally; reference: Tally; ratio: number};
    };
    defectiveSkus: {
      shop: ShopKey;
      skuCodes: string[];
      designed: {extraQualityReturnProbability: number};
      realized: {
        defective: Tally & {qualityReturnRate: number};
        others: Tally & {qualityReturnRate: number};
        qualityRatio: number;
      };
    };
    provinces: {
      shop: ShopKey;
      highReturn: string[];
      nearAverage: string[];
      designed: {
        returnMultiplier: number;
        returnTransitDays: {normal: readonly number[]; remote: readonly number[]};
      };
      realized: {
        byProvince: Record<string, Tally>;
        remote: Tally;
        others: Tally;
        /** 退货发货时间 → 商家退款时间 of refunded returns, in days, as the exports show them. */
        meanReturnToRefundDays: {remote: number; others: number};
      };
    };
    channels: {shop: ShopKey; designedBaseReturn: Record<Genre, number>; realized: Record<string, Tally>};
    influencer: {
      shop: ShopKey;
      highReturn: {id: string; nickname: string; designedMultiplier: number};
      others: {id: string; nickname: string; designedMultiplier: number}[];
      realized: {byInfluencer: Record<string, Tally>; highReturn: Tally; others: Tally};
    };
    refundOnlyAbuse: {
      shop: ShopKey;
      type: "已发货仅退款";
      reasonTexts: readonly string[];
      designed: {claimRate: number; ordersPerBuyer: number};
      buyers: {收件人: string; 收件人手机号: string; 详细地址: string; 省: string; 市: string; 区: string}[];
      realized: {
        perBuyer: {lines: number; refundOnlyNotReceived: number}[];
        othersMaxRefundOnlyNotReceived: number;
      };
    };
    maturity: {
      shop: ShopKey;
      designedLags: typeof DESIGNED_LAGS;
      applyLagDays: {p25: number; p50: number; p75: number; p90: number; max: number};
      byOrderWeek: {weekStart: string; tally: Tally}[];
    };
    statusProgression: {
      shop: ShopKey;
      afterSalesInSeveralExports: number;
      afterSalesWithStatusChange: number;
      example: {id: string; statuses: {export: string; status: string}[]} | undefined;
    };
  };
  reasonTexts: ReasonText[];
  unknownReasonTexts: string[];
  sizeAliases: Record<string, string>;
  commentsWithPhone: string[];
  specialProductNames: string[];
}

export interface ShopRun {
  key: ShopKey;
  directory: string;
  orders: MainOrder[];
  files: string[];
  /** The last export moment at which an after-sale was visible: its state there is what files show. */
  visibleAt: (as: AfterSale) => BeijingSeconds;
  /** Each after-sale's (export name, status) in every after-sale export that contains it. */
  appearances?: Map<AfterSale, {export: string; status: string}[]>;
}

export interface TruthContext {
  seed: number;
  endDay: number;
  days: number;
  lastExportDay: number;
  catalog: Catalog;
  runs: Record<ShopKey, ShopRun>;
}

const QUALITY_TEXTS = new Set(
  Object.values(REASONS)
    .filter((r) => r.group === "质量问题")
    .map((r) => r.text),
);

export function buildTruth(ctx: TruthContext): SampleTruth {
  const live = ctx.runs["live-apparel"];
  const liveShop = ctx.catalog.shops["live-apparel"];
  const dress = liveShop.products.find((p) => p.smallSizes.length > 0);
  if (!dress) throw new Error("catalog: no product runs small");
  const returned = (line: MainOrder["lines"][number]) =>
    line.afterSales.some((as) => afterSaleStatus(as, live.visibleAt(as)) !== "售后关闭");
  const liveLines = live.orders.flatMap((o) => o.lines);

  const tally = (lines: typeof liveLines, isReturned = returned): Tally => {
    const t = {lines: 0, units: 0, returnedLines: 0, returnedUnits: 0, unitReturnRate: 0};
    for (const line of lines) {
      t.lines++;
      t.units += line.quantity;
      if (isReturned(line)) {
        t.returnedLines++;
        t.returnedUnits += line.quantity;
      }
    }
    t.unitReturnRate = round(t.units ? t.returnedUnits / t.units : 0);
    return t;
  };
  const groupBy = (lines: typeof liveLines, key: (line: (typeof liveLines)[number]) => string) => {
    const groups = new Map<string, typeof liveLines>();
    for (const line of lines) {
      const k = key(line);
      const group = groups.get(k);
      if (group) group.push(line);
      else groups.set(k, [line]);
    }
    return Object.fromEntries(
      [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, tally(v)]),
    );
  };

  // Story 1
  const dressLines = liveLines.filter((l) => l.product === dress);
  const small = tally(dressLines.filter((l) => dress.smallSizes.includes(l.sku.size)));
  const reference = tally(dressLines.filter((l) => ["L", "XL"].includes(l.sku.size)));

  // Story 2
  const qualityReturned = (line: (typeof liveLines)[number]) =>
    line.afterSales.some(
      (as) => QUALITY_TEXTS.has(as.reason.text) && afterSaleStatus(as, live.visibleAt(as)) !== "售后关闭",
    );
  const withQuality = (lines: typeof liveLines) => ({
    ...tally(lines),
    qualityReturnRate: round(tally(lines, qualityReturned).returnedUnits / Math.max(1, tally(lines).units)),
  });
  const defective = withQuality(liveLines.filter((l) => l.sku.defective));
  const others = withQuality(liveLines.filter((l) => !l.sku.defective));

  // Story 3
  const remoteLines = liveLines.filter((l) => l.order.buyer.province.remote);
  const transit = (lines: typeof liveLines) => {
    let sum = 0;
    let n = 0;
    for (const line of lines) {
      for (const as of line.afterSales) {
        if (as.returnShipAt !== undefined && as.refundAt !== undefined && as.refundAt <= live.visibleAt(as)) {
          sum += (as.refundAt - as.returnShipAt) / DAY;
          n++;
        }
      }
    }
    return round(n ? sum / n : 0);
  };

  // Story 5
  const influencers = liveShop.influencers;
  const high = influencers.reduce((a, b) => (b.returnMultiplier > a.returnMultiplier ? b : a));
  const influencerLines = liveLines.filter((l) => l.order.influencer);

  // Story 6
  const key = (b: {name: string; phone: string; address: string}) => `${b.name}|${b.phone}|${b.address}`;
  const claims = new Map<string, number>();
  const abuserLines = new Map<string, number>();
  for (const line of liveLines) {
    const k = key(line.order.buyer);
    abuserLines.set(k, (abuserLines.get(k) ?? 0) + 1);
    for (const as of line.afterSales) {
      if (as.type === "已发货仅退款" && NOT_RECEIVED_TEXTS.includes(as.reason.text))
        claims.set(k, (claims.get(k) ?? 0) + 1);
    }
  }
  const abuserKeys = new Set(ctx.catalog.abusers.map(key));
  const othersMax = Math.max(0, ...[...claims].filter(([k]) => !abuserKeys.has(k)).map(([, n]) => n));

  // Story 7
  const lags = liveLines
    .flatMap((l) => l.afterSales.map((as) => (as.applyAt - l.order.payAt) / DAY))
    .sort((a, b) => a - b);
  const quantile = (p: number) => round(lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0);
  const firstDay = ctx.endDay - ctx.days + 1;
  const byOrderWeek = groupByWeek(liveLines, firstDay).map(([week, lines]) => ({
    weekStart: formatDay(week),
    tally: tally(lines),
  }));
  let several = 0;
  let changed = 0;
  let example: SampleTruth["stories"]["statusProgression"]["example"];
  for (const [as, seen] of live.appearances ?? []) {
    if (seen.length < 2) continue;
    several++;
    if (new Set(seen.map((s) => s.status)).size > 1) {
      changed++;
      if (!example || seen.length > example.statuses.length) example = {id: as.id, statuses: seen};
    }
  }

  const allAfterSales = Object.values(ctx.runs).flatMap((run) =>
    run.orders.flatMap((o) => o.lines.flatMap((l) => l.afterSales)),
  );
  const usedTexts = new Set(allAfterSales.map((as) => as.reason.text));
  const reasonTexts = Object.values(REASONS).filter((r) => usedTexts.has(r.text));

  return {
    seed: ctx.seed,
    endDate: formatDay(ctx.endDay),
    days: ctx.days,
    firstOrderDate: formatDay(firstDay),
    lastExportDate: formatDay(ctx.lastExportDay),
    definitions: {
      returned:
        "a 子订单 counts as returned when at least one of its 售后单 is not 售后关闭 in the latest export that shows it (any 售后类型)",
      unitReturnRate: "returned units (商品数量 of returned lines) / all units",
      quality:
        "售后原因 in the 做工粗糙/有瑕疵/破损或污渍 family (codes 7, 21, 31, with or without （商品品质原因）)",
      buyerKey: "收件人 + 收件人手机号 + 详细地址, all masked as exported",
    },
    shops: {
      "live-apparel": shopTruth(ctx, live, returned),
      "basics-store": shopTruth(ctx, ctx.runs["basics-store"], (line) =>
        line.afterSales.some(
          (as) => afterSaleStatus(as, ctx.runs["basics-store"].visibleAt(as)) !== "售后关闭",
        ),
      ),
    },
    stories: {
      sizesRunSmall: {
        shop: "live-apparel",
        productId: dress.id,
        style: dress.style,
        productName: dress.name,
        smallSizes: [...dress.smallSizes],
        referenceSizes: ["L", "XL"],
        designed: {
          extraSizeReturnProbability: dress.smallSizeExtra,
          productReturnMultiplier: dress.returnMultiplier,
        },
        realized: {
          bySize: groupBy(dressLines, (l) => l.sku.size),
          small,
          reference,
          ratio: round(small.unitReturnRate / Math.max(1e-9, reference.unitReturnRate)),
        },
      },
      defectiveSkus: {
        shop: "live-apparel",
        skuCodes: liveShop.products.flatMap((p) => p.skus.filter((s) => s.defective).map((s) => s.code)),
        designed: {extraQualityReturnProbability: DEFECT_EXTRA},
        realized: {
          defective,
          others,
          qualityRatio: round(defective.qualityReturnRate / Math.max(1e-9, others.qualityReturnRate)),
        },
      },
      provinces: {
        shop: "live-apparel",
        highReturn: PROVINCES.filter((p) => p.remote).map((p) => p.full),
        nearAverage: ["广东省", "浙江省"],
        designed: {
          returnMultiplier: REMOTE_RETURN_MULTIPLIER,
          returnTransitDays: DESIGNED_LAGS.returnTransitDays,
        },
        realized: {
          byProvince: groupBy(liveLines, (l) => l.order.buyer.province.full),
          remote: tally(remoteLines),
          others: tally(liveLines.filter((l) => !l.order.buyer.province.remote)),
          meanReturnToRefundDays: {
            remote: transit(remoteLines),
            others: transit(liveLines.filter((l) => !l.order.buyer.province.remote)),
          },
        },
      },
      channels: {
        shop: "live-apparel",
        designedBaseReturn: liveShop.baseReturn,
        realized: groupBy(liveLines, (l) => l.order.channel.genre),
      },
      influencer: {
        shop: "live-apparel",
        highReturn: {id: high.id, nickname: high.nickname, designedMultiplier: high.returnMultiplier},
        others: influencers
          .filter((i) => i !== high)
          .map((i) => ({id: i.id, nickname: i.nickname, designedMultiplier: i.returnMultiplier})),
        realized: {
          byInfluencer: groupBy(influencerLines, (l) => l.order.influencer?.id ?? "-"),
          highReturn: tally(influencerLines.filter((l) => l.order.influencer === high)),
          others: tally(influencerLines.filter((l) => l.order.influencer !== high)),
        },
      },
      refundOnlyAbuse: {
        shop: "live-apparel",
        type: "已发货仅退款",
        reasonTexts: NOT_RECEIVED_TEXTS,
        designed: {claimRate: ABUSE_CLAIM_RATE, ordersPerBuyer: ordersPerAbuser(liveLines.length)},
        buyers: ctx.catalog.abusers.map((b) => ({
          收件人: b.name,
          收件人手机号: b.phone,
          详细地址: b.address,
          省: b.province.full,
          市: b.city,
          区: b.district,
        })),
        realized: {
          perBuyer: ctx.catalog.abusers.map((b) => ({
            lines: abuserLines.get(key(b)) ?? 0,
            refundOnlyNotReceived: claims.get(key(b)) ?? 0,
          })),
          othersMaxRefundOnlyNotReceived: othersMax,
        },
      },
      maturity: {
        shop: "live-apparel",
        designedLags: DESIGNED_LAGS,
        applyLagDays: {
          p25: quantile(0.25),
          p50: quantile(0.5),
          p75: quantile(0.75),
          p90: quantile(0.9),
          max: quantile(1),
        },
        byOrderWeek,
      },
      statusProgression: {
        shop: "live-apparel",
        afterSalesInSeveralExports: several,
        afterSalesWithStatusChange: changed,
        example,
      },
    },
    reasonTexts,
    unknownReasonTexts: reasonTexts.filter((r) => r.unknown).map((r) => r.text),
    sizeAliases: {"2XL": "XXL"},
    commentsWithPhone: allAfterSales.filter((as) => as.commentHasPhone).map((as) => as.id),
    specialProductNames: Object.values(ctx.catalog.shops)
      .flatMap((s) => s.products.map((p) => p.name))
      .filter((name) => /[<>&]/.test(name)),
  };
}

function shopTruth(
  ctx: TruthContext,
  run: ShopRun,
  returned: (line: MainOrder["lines"][number]) => boolean,
): ShopTruth {
  const lines = run.orders.flatMap((o) => o.lines);
  const afterSales = lines.flatMap((l) => l.afterSales);
  const count = (values: string[]) => {
    const counts: Record<string, number> = {};
    for (const v of [...values].sort()) counts[v] = (counts[v] ?? 0) + 1;
    return counts;
  };
  let units = 0;
  let returnedUnits = 0;
  let returnedLines = 0;
  for (const line of lines) {
    units += line.quantity;
    if (returned(line)) {
      returnedLines++;
      returnedUnits += line.quantity;
    }
  }
  return {
    name: ctx.catalog.shops[run.key].name,
    directory: run.directory,
    mainOrders: run.orders.length,
    orderLines: lines.length,
    afterSales: afterSales.length,
    afterSalesByType: count(afterSales.map((as) => as.type)),
    afterSalesByStatus: count(afterSales.map((as) => afterSaleStatus(as, run.visibleAt(as)) ?? "-")),
    returned: {
      lines: lines.length,
      units,
      returnedLines,
      returnedUnits,
      unitReturnRate: round(returnedUnits / units),
    },
    files: run.files,
  };
}

/** Lines in 7-day cohorts of their order day, counted from the first order day. */
function groupByWeek(lines: MainOrder["lines"], firstDay: number): [number, MainOrder["lines"]][] {
  const weeks = new Map<number, MainOrder["lines"]>();
  for (const line of lines) {
    const day = Math.floor(line.order.createdAt / DAY);
    const week = firstDay + Math.floor((day - firstDay) / 7) * 7;
    const group = weeks.get(week);
    if (group) group.push(line);
    else weeks.set(week, [line]);
  }
  return [...weeks].sort(([a], [b]) => a - b);
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
