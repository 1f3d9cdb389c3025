/**
 * The 售后时效 page's return-parcel arithmetic (退货物流), free of the DOM: totals and counts by
 * carrier or province from src/data/return_parcels/summary.json (additive counts), and the transit
 * times by carrier from src/data/return_parcel_carriers.json, whose percentiles come whole from the
 * mart (one shop's rows, or the all-shops roll-up) because percentiles cannot be added up.
 */
import {ALL, type Choice} from "./controls.js";

/** return_parcels/summary.json: parcels in transit or flagged, counted. */
export interface ParcelCount {
  shop_id: string;
  category: string | null;
  channel: string | null;
  carrier: string;
  province_code: string | null;
  province_name: string;
  is_in_transit: boolean;
  is_stuck: boolean;
  has_return_exception: boolean;
  /** How the waybill is shared (risk_shared_tracking's grading); null: not shared. */
  tracking_sharing: string | null;
  parcel_count: number;
}

export interface ParcelTotals {
  inTransit: number;
  stuck: number;
  exceptions: number;
  /** Parcels on a waybill shared with other after-sales. */
  shared: number;
  /** …of which not one 主订单's 子订单 packed together (the normal case). */
  sharedSuspicious: number;
}

export function parcelTotals(rows: readonly ParcelCount[]): ParcelTotals {
  const totals: ParcelTotals = {inTransit: 0, stuck: 0, exceptions: 0, shared: 0, sharedSuspicious: 0};
  for (const row of rows) {
    const n = row.parcel_count;
    if (row.is_in_transit) totals.inTransit += n;
    if (row.is_stuck) totals.stuck += n;
    if (row.has_return_exception) totals.exceptions += n;
    if (row.tracking_sharing !== null) totals.shared += n;
    if (row.tracking_sharing !== null && row.tracking_sharing !== "same_order") totals.sharedSuspicious += n;
  }
  return totals;
}

export interface ParcelGroup {
  /** The carrier, or the province's name. */
  name: string;
  inTransit: number;
  stuck: number;
}

/** Parcels in transit and stuck by carrier or by province of origin: most stuck first. */
export function transitBy(rows: readonly ParcelCount[], by: "carrier" | "province"): ParcelGroup[] {
  const groups = new Map<string, ParcelGroup>();
  for (const row of rows) {
    if (!row.is_in_transit) continue;
    const name = by === "carrier" ? row.carrier : row.province_name;
    const group = groups.get(name) ?? {name, inTransit: 0, stuck: 0};
    group.inTransit += row.parcel_count;
    if (row.is_stuck) group.stuck += row.parcel_count;
    groups.set(name, group);
  }
  return [...groups.values()].sort(
    (a, b) => b.stuck - a.stuck || b.inTransit - a.inTransit || a.name.localeCompare(b.name, "zh-CN"),
  );
}

/** return_parcel_carriers.json: one row per (shop, carrier); NULL shop or carrier = all of them. */
export interface CarrierTime {
  shop_id: string | null;
  carrier: string | null;
  is_all_shops: boolean;
  is_all_carriers: boolean;
  parcel_count: number;
  received_count: number;
  in_transit_count: number;
  stuck_count: number;
  exception_count: number;
  shared_tracking_count: number;
  /** Received parcels with a receipt-time estimate: the percentiles' count. */
  timed_count: number;
  days_to_receipt_total: number;
  days_to_receipt_mean: number | null;
  days_to_receipt_p50: number | null;
  days_to_receipt_p90: number | null;
  max_days_in_transit: number | null;
}

/**
 * The rows for the chosen shop: its own, or the all-shops roll-up for 全部; the all-carriers row
 * apart, carriers by parcels (most first).
 */
export function carrierTimes(
  rows: readonly CarrierTime[],
  shop: Choice<string>,
): {total: CarrierTime | null; carriers: CarrierTime[]} {
  const chosen = rows.filter((r) => (shop === ALL ? r.is_all_shops : !r.is_all_shops && r.shop_id === shop));
  return {
    total: chosen.find((r) => r.is_all_carriers) ?? null,
    carriers: chosen
      .filter((r) => !r.is_all_carriers)
      .sort(
        (a, b) =>
          b.parcel_count - a.parcel_count || String(a.carrier).localeCompare(String(b.carrier), "zh-CN"),
      ),
  };
}

/** Days for people: 18 小时 under two days, else 3.6 天. */
export function formatDays(days: number | null | undefined): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return "—";
  if (Math.abs(days) < 2) return `${(days * 24).toFixed(0)} 小时`;
  return `${days.toFixed(1)} 天`;
}

export const PARCEL_STATE_LABELS: Readonly<Record<string, string>> = {
  in_transit: "在途",
  received: "已收到",
  closed: "已关闭",
  refunded: "已退款（未见签收）",
  stale: "状态未知",
  other: "其他",
};
