/**
 * A tile-grid map of China: one square per GB/T 2260 provincial-level division, placed by hand in
 * its rough geographic position (no boundary data, nothing to download). Drawn with Plot cells.
 */
import * as Plot from "@observablehq/plot";
import {el} from "./dom.js";
import {formatNumber, formatPercent} from "./format.js";

export interface Tile {
  code: string;
  short: string;
  col: number;
  row: number;
}

/** The 34 provincial-level divisions: [code, short name, column, row]. */
export const CHINA_TILES: readonly Tile[] = (
  [
    ["230000", "黑龙江", 8, 0],
    ["150000", "内蒙古", 5, 1],
    ["110000", "北京", 6, 1],
    ["210000", "辽宁", 7, 1],
    ["220000", "吉林", 8, 1],
    ["650000", "新疆", 1, 2],
    ["620000", "甘肃", 3, 2],
    ["640000", "宁夏", 4, 2],
    ["140000", "山西", 5, 2],
    ["130000", "河北", 6, 2],
    ["120000", "天津", 7, 2],
    ["630000", "青海", 2, 3],
    ["610000", "陕西", 4, 3],
    ["410000", "河南", 5, 3],
    ["370000", "山东", 6, 3],
    ["540000", "西藏", 1, 4],
    ["510000", "四川", 3, 4],
    ["500000", "重庆", 4, 4],
    ["420000", "湖北", 5, 4],
    ["340000", "安徽", 6, 4],
    ["320000", "江苏", 7, 4],
    ["530000", "云南", 3, 5],
    ["520000", "贵州", 4, 5],
    ["430000", "湖南", 5, 5],
    ["360000", "江西", 6, 5],
    ["330000", "浙江", 7, 5],
    ["310000", "上海", 8, 5],
    ["450000", "广西", 4, 6],
    ["440000", "广东", 5, 6],
    ["350000", "福建", 6, 6],
    ["710000", "台湾", 7, 6],
    ["460000", "海南", 4, 7],
    ["820000", "澳门", 5, 7],
    ["810000", "香港", 6, 7],
  ] as const
).map(([code, short, col, row]) => ({code, short, col, row}));

export interface ProvinceRate {
  province_code: string | null;
  shipped_units: number;
  returned_units: number;
  return_rate: number | null;
  low_volume: boolean;
}

/** The tile map coloured by unit return rate; provinces without shipments stay grey, low volume faint. */
export function tileMap(rows: readonly ProvinceRate[], options: {width: number}): HTMLElement {
  const byCode = new Map(rows.map((r) => [r.province_code, r]));
  const tiles = CHINA_TILES.map((tile) => ({...tile, data: byCode.get(tile.code)}));
  type Placed = (typeof tiles)[number];
  const rated = tiles.filter((t) => t.data && t.data.return_rate !== null);
  const width = Math.min(options.width, 640);
  const title = (t: Placed) =>
    t.data
      ? `${t.short}\n发货 ${formatNumber(t.data.shipped_units)} 件，退货 ${formatNumber(t.data.returned_units)} 件\n退货率 ${formatPercent(t.data.return_rate)}${t.data.low_volume ? "（量少，仅供参考）" : ""}`
      : `${t.short}\n没有发货`;
  const figure = Plot.plot({
    width,
    height: width * 0.85,
    padding: 0.06,
    x: {axis: null, domain: [0, 1, 2, 3, 4, 5, 6, 7, 8]},
    y: {axis: null, domain: [0, 1, 2, 3, 4, 5, 6, 7]},
    color: {
      type: "linear",
      scheme: "oranges",
      legend: true,
      percent: true,
      label: "件数退货率 (%)",
      zero: true,
    },
    marks: [
      Plot.cell(tiles, {x: "col", y: "row", fill: "var(--theme-foreground-faintest)", rx: 4}),
      Plot.cell(rated, {
        x: "col",
        y: "row",
        fill: (t: Placed) => t.data!.return_rate,
        fillOpacity: (t: Placed) => (t.data!.low_volume ? 0.35 : 1),
        rx: 4,
      }),
      Plot.text(tiles, {
        x: "col",
        y: "row",
        text: (t: Placed) => `${t.short}\n${t.data ? formatPercent(t.data.return_rate) : "—"}`,
        fill: "currentColor",
        stroke: "var(--theme-background)",
        strokeWidth: 3,
        fontSize: width < 420 ? 9 : 11,
        lineHeight: 1.2,
      }),
      Plot.tip(tiles, Plot.pointer({x: "col", y: "row", title})),
    ],
  });
  return el(
    "div",
    {class: "rs-chart", "data-chart": "tile-map", "data-tiles": tiles.length, "data-rated": rated.length},
    figure,
  );
}
