/**
 * The cost assumptions behind marts.return_costs: what a parcel costs, who pays return freight,
 * what share of returned goods is lost. None of these numbers is in a 抖店 export, so each has a
 * documented default (domain.md §4–5, tagged [U]/[C] there) that a merchant overrides in the config
 * file under `costs`. A pure normalizer: what the user wrote (typed unknown) → CostConfig, with
 * one-line errors that name the file and the key.
 */
import {PipelineError} from "../errors.js";
import {normalizeProvince, REASON_GROUPS} from "../normalize/index.js";

/** A reason group of core.after_sales (the normalizer's groups, plus 未知 for unknown reasons). */
export type CostReasonGroup = (typeof REASON_GROUPS)[number] | "未知";
export const COST_REASON_GROUPS: readonly CostReasonGroup[] = [...REASON_GROUPS, "未知"];

/** Per-parcel freight, flat or by province. (A carrier bill, when supported, replaces these.) */
export interface FreightRates {
  /** 元 per parcel wherever byProvince has no entry. */
  perParcel: number;
  /** 元 per parcel by GB/T 2260 province code, e.g. {"650000": 18}; the spec may use names. */
  byProvince: Readonly<Record<string, number>>;
}

/**
 * Who pays the return parcel of a reason the merchant is not liable for (七天无理由 and the like):
 * the buyer (legal default, domain.md §4.1), the merchant (退货包运费), or the shop's 运费险, which
 * then costs a premium per shipped order instead.
 */
export type FreightPayer = "buyer" | "merchant" | "insurance";
export const FREIGHT_PAYERS: readonly FreightPayer[] = ["buyer", "merchant", "insurance"];

export interface CostConfig {
  /** What the merchant pays its carrier per outbound parcel (one parcel per 主订单). */
  outboundFreight: FreightRates;
  /** What one return parcel costs (whoever pays it). */
  returnFreight: FreightRates;
  /** Reason groups whose return parcel the merchant pays. */
  merchantPaysReturnFreightFor: readonly CostReasonGroup[];
  /** The merchant also pays when the platform tags the reason 商品品质 or 物流品质 (（…原因）). */
  merchantPaysQualityFlagged: boolean;
  /** Who pays the return parcel in every other case. */
  otherReturnFreightPaidBy: FreightPayer;
  /** 元 per shipped 主订单, charged only when otherReturnFreightPaidBy is "insurance". */
  freightInsurancePremiumPerOrder: number;
  /** Unit cost when the SKU master has no 成本价: this share of the unit price (商品金额). */
  unitCostShareOfPrice: number;
  /** Share of goods that come back unsellable (退货退款), by reason group of the return. */
  unsellableRate: {default: number; byReasonGroup: Readonly<Partial<Record<CostReasonGroup, number>>>};
  /** Quality check and repacking, 元 per return whose goods come back. */
  handlingCostPerReturn: number;
  /** The keys the user set (e.g. "returnFreight"), so that every figure can say what is a default. */
  configured: readonly string[];
}

/** Defaults: domain.md §5 ("typical numbers"); every one unconfirmed for a given merchant. */
export const DEFAULT_COST_CONFIG: CostConfig = Object.freeze({
  // [U] merchant contract price 2.5–5 元 per parcel.
  outboundFreight: {perParcel: 3.5, byProvince: {}},
  // [U] consumer retail return parcel ~8–15 元.
  returnFreight: {perParcel: 10, byProvince: {}},
  // [U] industry norm: quality, description and wrong/missing items are the merchant's fault.
  merchantPaysReturnFreightFor: ["质量问题", "描述不符", "错发漏发"],
  merchantPaysQualityFlagged: true,
  // [A] law: the consumer pays no-reason return freight unless agreed otherwise (§4.1).
  otherReturnFreightPaidBy: "buyer",
  // [C] 运费险 premium ~3–8 元 per order in apparel; 0 until the shop says it buys 运费险.
  freightInsurancePremiumPerOrder: 0,
  // [U] no source: apparel cost of goods of roughly 40% of price.
  unitCostShareOfPrice: 0.4,
  // [C] ~30% of returned garments are unsellable.
  unsellableRate: {default: 0.3, byReasonGroup: {}},
  // [C] 3.2 元 QC + 1.8 元 repacking per return.
  handlingCostPerReturn: 5,
  configured: [],
} satisfies CostConfig);

// ------------------------------------------------------------------------------------------------
// Spec readers shared by the assumption normalizers (assumptions.ts): each throws one line naming
// the file and the dotted key.

export function specFail(source: string, message: string): never {
  throw new PipelineError(`${source}: ${message}`, {step: "config"});
}

export function specObject(source: string, key: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    specFail(source, `${key} must be an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export function specKnownKeys(
  source: string,
  key: string,
  input: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const name of Object.keys(input))
    if (!known.includes(name))
      specFail(source, `unknown setting ${key}.${name} (known: ${known.join(", ")})`);
}

export function specNumber(source: string, key: string, value: unknown, min = 0, max = Infinity): number {
  const range = max === Infinity ? `>= ${min}` : `between ${min} and ${max}`;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
    specFail(source, `${key} must be a number ${range}: ${JSON.stringify(value)}`);
  return value;
}

export function specBoolean(source: string, key: string, value: unknown): boolean {
  if (typeof value !== "boolean") specFail(source, `${key} must be true or false: ${JSON.stringify(value)}`);
  return value;
}

export function specChoice<T extends string>(
  source: string,
  key: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T))
    specFail(source, `${key} must be one of ${choices.join(", ")}: ${JSON.stringify(value)}`);
  return value as T;
}

export function specChoices<T extends string>(
  source: string,
  key: string,
  value: unknown,
  choices: readonly T[],
): T[] {
  if (!Array.isArray(value)) specFail(source, `${key} must be an array: ${JSON.stringify(value)}`);
  return [
    ...new Set(value.map((item: unknown, i: number) => specChoice(source, `${key}[${i}]`, item, choices))),
  ];
}

// ------------------------------------------------------------------------------------------------

function freightRates(source: string, key: string, value: unknown, base: FreightRates): FreightRates {
  // A bare number is a flat rate.
  if (typeof value === "number") return {perParcel: specNumber(source, key, value), byProvince: {}};
  const input = specObject(source, key, value);
  specKnownKeys(source, key, input, ["perParcel", "byProvince"]);
  const rates: FreightRates = {...base};
  if (input.perParcel !== undefined)
    rates.perParcel = specNumber(source, `${key}.perParcel`, input.perParcel);
  if (input.byProvince !== undefined) {
    const byProvince: Record<string, number> = {};
    for (const [name, rate] of Object.entries(specObject(source, `${key}.byProvince`, input.byProvince))) {
      const province = normalizeProvince(name);
      if (!province)
        specFail(source, `${key}.byProvince has an unknown province (a name or GB/T 2260 code): ${name}`);
      byProvince[province.code] = specNumber(source, `${key}.byProvince.${name}`, rate);
    }
    rates.byProvince = byProvince;
  }
  return rates;
}

const COST_KEYS = [
  "outboundFreight",
  "returnFreight",
  "merchantPaysReturnFreightFor",
  "merchantPaysQualityFlagged",
  "otherReturnFreightPaidBy",
  "freightInsurancePremiumPerOrder",
  "unitCostShareOfPrice",
  "unsellableRate",
  "handlingCostPerReturn",
] as const;

/**
 * Normalizes the `costs` section of a config file. Unset keys keep their defaults; `key` is the
 * section's name in the file, used in error messages.
 */
export function normalizeCostConfig(spec: unknown, source: string, key = "costs"): CostConfig {
  const input = specObject(source, key, spec);
  specKnownKeys(source, key, input, COST_KEYS);
  const base = DEFAULT_COST_CONFIG;
  const at = (name: string) => `${key}.${name}`;
  const config: CostConfig = {...base, configured: COST_KEYS.filter((name) => input[name] !== undefined)};
  if (input.outboundFreight !== undefined)
    config.outboundFreight = freightRates(
      source,
      at("outboundFreight"),
      input.outboundFreight,
      base.outboundFreight,
    );
  if (input.returnFreight !== undefined)
    config.returnFreight = freightRates(source, at("returnFreight"), input.returnFreight, base.returnFreight);
  if (input.merchantPaysReturnFreightFor !== undefined)
    config.merchantPaysReturnFreightFor = specChoices(
      source,
      at("merchantPaysReturnFreightFor"),
      input.merchantPaysReturnFreightFor,
      COST_REASON_GROUPS,
    );
  if (input.merchantPaysQualityFlagged !== undefined)
    config.merchantPaysQualityFlagged = specBoolean(
      source,
      at("merchantPaysQualityFlagged"),
      input.merchantPaysQualityFlagged,
    );
  if (input.otherReturnFreightPaidBy !== undefined)
    config.otherReturnFreightPaidBy = specChoice(
      source,
      at("otherReturnFreightPaidBy"),
      input.otherReturnFreightPaidBy,
      FREIGHT_PAYERS,
    );
  if (input.freightInsurancePremiumPerOrder !== undefined)
    config.freightInsurancePremiumPerOrder = specNumber(
      source,
      at("freightInsurancePremiumPerOrder"),
      input.freightInsurancePremiumPerOrder,
    );
  if (input.unitCostShareOfPrice !== undefined)
    config.unitCostShareOfPrice = specNumber(
      source,
      at("unitCostShareOfPrice"),
      input.unitCostShareOfPrice,
      0,
      1,
    );
  if (input.unsellableRate !== undefined)
    config.unsellableRate = unsellableRate(source, at("unsellableRate"), input.unsellableRate);
  if (input.handlingCostPerReturn !== undefined)
    config.handlingCostPerReturn = specNumber(
      source,
      at("handlingCostPerReturn"),
      input.handlingCostPerReturn,
    );
  return config;
}

function unsellableRate(source: string, key: string, value: unknown): CostConfig["unsellableRate"] {
  // A bare number is one rate for every reason group.
  if (typeof value === "number") return {default: specNumber(source, key, value, 0, 1), byReasonGroup: {}};
  const input = specObject(source, key, value);
  specKnownKeys(source, key, input, ["default", "byReasonGroup"]);
  const rates: CostConfig["unsellableRate"] = {...DEFAULT_COST_CONFIG.unsellableRate};
  if (input.default !== undefined) rates.default = specNumber(source, `${key}.default`, input.default, 0, 1);
  if (input.byReasonGroup !== undefined) {
    const byGroup: Partial<Record<CostReasonGroup, number>> = {};
    for (const [group, rate] of Object.entries(
      specObject(source, `${key}.byReasonGroup`, input.byReasonGroup),
    )) {
      const name = specChoice(source, `${key}.byReasonGroup key`, group, COST_REASON_GROUPS);
      byGroup[name] = specNumber(source, `${key}.byReasonGroup.${group}`, rate, 0, 1);
    }
    rates.byReasonGroup = byGroup;
  }
  return rates;
}
