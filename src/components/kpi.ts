/** KPI cards: value of the anchor week with its week-over-week and four-week changes. */
import {el} from "./dom.js";
import type {Delta} from "./format.js";
import type {Kpi} from "./overview.js";

function delta(label: string, name: string, change: Delta, riseIsBad: boolean): HTMLElement {
  const tone =
    change.direction === "up"
      ? riseIsBad
        ? "bad"
        : "good"
      : change.direction === "down"
        ? riseIsBad
          ? "good"
          : "bad"
        : "neutral";
  const arrow = change.direction === "up" ? "▲ " : change.direction === "down" ? "▼ " : "";
  return el(
    "span",
    {class: `rs-delta rs-${tone}`, "data-delta": name, "data-value": change.value ?? ""},
    `${label} `,
    el("strong", {}, `${arrow}${change.text}`),
  );
}

export function kpiCard(kpi: Kpi): HTMLElement {
  return el(
    "div",
    {class: "card rs-kpi", "data-kpi": kpi.key, "data-value": kpi.value ?? ""},
    el("h2", {}, kpi.label),
    el("h3", {}, kpi.sublabel),
    el("div", {class: "big rs-kpi-value"}, kpi.text),
    el(
      "div",
      {class: "rs-deltas"},
      delta("环比", "week", kpi.weekOverWeek, kpi.riseIsBad),
      delta("近4周", "four_weeks", kpi.fourWeeks, kpi.riseIsBad),
    ),
    kpi.note ? el("div", {class: "rs-kpi-note", "data-note": ""}, kpi.note) : null,
  );
}

export function kpiCards(kpis: readonly Kpi[]): HTMLElement {
  return el("div", {class: "rs-kpis"}, ...kpis.map(kpiCard));
}
