/**
 * Fetching one time window of an endpoint, page by page (page from 0, size ≤ 100), and checking
 * that the pages add up: offset paging over data that changes can skip an item when another one
 * leaves the result set between two pages, which shows as a total that moved or fewer distinct
 * items than announced. Such a window is fetched again.
 */
import type {ApiSession} from "./session.js";
import type {Window} from "./checkpoints.js";
import {asArray, at, idText, safeInteger, type JsonObject, type JsonValue} from "./json.js";
import type {ApiEndpoint} from "./settings.js";

/** incremental: by update time; backfill: by creation (apply) time, which never moves. */
export type PullMode = "incremental" | "backfill";

export interface EndpointSpec {
  endpoint: ApiEndpoint;
  path: string;
  method: string;
  params(window: Window, mode: PullMode, page: number, size: number): JsonObject | Record<string, unknown>;
  items(data: JsonObject): JsonValue[];
  itemKey(item: JsonValue): string | null;
  hasMore(data: JsonObject, page: number, size: number, received: number): boolean;
}

function total(data: JsonObject): number | null {
  try {
    return safeInteger(data.total ?? null);
  } catch {
    return null;
  }
}

function key(value: JsonValue | undefined): string | null {
  try {
    return idText(value ?? null);
  } catch {
    return null;
  }
}

export const ENDPOINTS: Record<ApiEndpoint, EndpointSpec> = {
  after_sales: {
    endpoint: "after_sales",
    path: "/afterSale/List",
    method: "afterSale.List",
    params: (window, mode, page, size) =>
      mode === "incremental"
        ? {
            update_start_time: window.start,
            update_end_time: window.end,
            order_by: ["update_time asc"],
            page,
            size,
          }
        : {start_time: window.start, end_time: window.end, order_by: ["apply_time asc"], page, size},
    items: (data) => asArray(data.items),
    itemKey: (item) => key(at(item, "aftersale_info", "aftersale_id")),
    hasMore: (data, page, size, received) => {
      if (typeof data.has_more === "boolean") return data.has_more && received > 0;
      const t = total(data);
      return received === size && (t === null || (page + 1) * size < t);
    },
  },
  orders: {
    endpoint: "orders",
    path: "/order/searchList",
    method: "order.searchList",
    params: (window, mode, page, size) =>
      mode === "incremental"
        ? {
            update_time_start: window.start,
            update_time_end: window.end,
            order_by: "update_time",
            order_asc: true,
            page,
            size,
          }
        : {
            create_time_start: window.start,
            create_time_end: window.end,
            order_by: "create_time",
            order_asc: true,
            page,
            size,
          },
    items: (data) => asArray(data.shop_order_list),
    itemKey: (item) => key(at(item, "order_id")),
    hasMore: (data, page, size, received) => {
      const t = total(data);
      return received === size && (t === null || (page + 1) * size < t);
    },
  },
};

export interface FetchedPage {
  page: number;
  fetchedAt: Date;
  body: JsonObject;
}

export interface FetchedWindow {
  pages: FetchedPage[];
  items: JsonValue[];
  /** What the first page announced (null when the endpoint doesn't say). */
  total: number | null;
  /** False when the pages don't add up (see the module comment). */
  consistent: boolean;
}

export class WindowTooLarge extends Error {
  constructor(readonly total: number) {
    super(`window holds ${total} items`);
  }
}

export async function fetchWindow(
  session: ApiSession,
  spec: EndpointSpec,
  window: Window,
  mode: PullMode,
  options: {pageSize: number; maxRows: number; now: () => Date; onPage?: (page: number) => void},
): Promise<FetchedWindow> {
  const pages: FetchedPage[] = [];
  const items: JsonValue[] = [];
  let announced: number | null = null;
  let consistent = true;
  const maxPages = Math.ceil(options.maxRows / options.pageSize) + 1;
  for (let page = 0; ; page++) {
    const response = await session.call(spec.path, spec.params(window, mode, page, options.pageSize));
    pages.push({page, fetchedAt: options.now(), body: response.body});
    options.onPage?.(page);
    const received = spec.items(response.data);
    items.push(...received);
    const t = total(response.data);
    if (page === 0) {
      announced = t;
      if (t !== null && t > options.maxRows) throw new WindowTooLarge(t);
    } else if (t !== null && announced !== null && t !== announced) consistent = false;
    if (!spec.hasMore(response.data, page, options.pageSize, received.length)) break;
    if (page + 1 >= maxPages) throw new WindowTooLarge(announced ?? items.length);
  }
  const distinct = new Set(items.map(spec.itemKey).filter((k) => k !== null)).size;
  if (announced !== null && distinct < announced) consistent = false;
  return {pages, items, total: announced, consistent};
}
