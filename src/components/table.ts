/**
 * A table for the pages: sortable columns, an optional search box, a row limit, a CSV download
 * of every matching row (csv.ts), and optionally row selection (an input for view()). Cells are
 * filled with textContent only.
 */
import {downloadCsv, toCsv, type CsvValue} from "./csv.js";
import {asInput, el} from "./dom.js";
import {MISSING} from "./format.js";

export type Cell = string | number | boolean | null | undefined;

export interface Column<T> {
  key: string;
  label: string;
  /** The raw value: what sorting compares and, unless `csv` is given, what the CSV holds. */
  value: (row: T) => Cell;
  format?: (value: Cell, row: T) => string;
  align?: "left" | "right";
  csv?: (row: T) => CsvValue;
  /** A longer explanation, shown as the header's tooltip. */
  title?: string;
}

export interface TableOptions<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  /** Base name of the downloaded file (without .csv). */
  filename: string;
  sort?: {key: string; descending?: boolean};
  /** Text a search matches against; with it the table gets a search box. */
  searchText?: (row: T) => string;
  /** Rows shown at most (the CSV has all matching rows). */
  limit?: number;
  /** Rows can be selected; the element's value is the selected row (or null). */
  selectable?: boolean;
  /** The row selected at first. */
  selected?: T | null;
  rowKey?: (row: T) => string;
  /** Height in pixels beyond which the table scrolls (its header stays in view). */
  maxHeight?: number;
  /** data-table attribute, for tests and styling. */
  name?: string;
  empty?: string;
}

const isMissing = (value: Cell) =>
  value === null || value === undefined || value === "" || (typeof value === "number" && Number.isNaN(value));

function compareValues(a: Cell, b: Cell): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "zh-CN");
}

/** Rows sorted by one column, missing values last either way; ties keep their order. Exported for tests. */
export function sortRows<T>(rows: readonly T[], column: Column<T>, descending: boolean): T[] {
  return rows
    .map((row, index) => ({row, index, value: column.value(row)}))
    .sort((a, b) => {
      const missingA = isMissing(a.value);
      const missingB = isMissing(b.value);
      if (missingA || missingB) return missingA === missingB ? a.index - b.index : missingA ? 1 : -1;
      const order = compareValues(a.value, b.value);
      return (descending ? -order : order) || a.index - b.index;
    })
    .map(({row}) => row);
}

function display<T>(column: Column<T>, row: T): string {
  const value = column.value(row);
  if (column.format) return column.format(value, row);
  return value === null || value === undefined || value === "" ? MISSING : String(value);
}

export function dataTable<T>(options: TableOptions<T>): HTMLElement & {value: T | null} {
  const {columns, rows, filename} = options;
  let sortKey = options.sort?.key ?? null;
  let descending = options.sort?.descending ?? false;
  let query = "";
  let selected: T | null = options.selected ?? null;

  const searchBox = options.searchText
    ? el("input", {type: "search", placeholder: "搜索 Search", "aria-label": "搜索", autocomplete: "off"})
    : null;
  const count = el("span", {class: "rs-table-count"});
  const download = el("button", {type: "button", class: "rs-button", "data-action": "csv"}, "下载 CSV");
  const head = el("thead");
  const body = el("tbody");
  const table = el("table", {class: "rs-table"}, head, body);
  const root = el(
    "div",
    {class: "rs-table-block", "data-table": options.name},
    el("div", {class: "rs-table-toolbar"}, searchBox, count, download),
    el(
      "div",
      {class: "rs-table-scroll", style: options.maxHeight ? `max-height: ${options.maxHeight}px` : null},
      table,
    ),
  );

  const matching = (): T[] => {
    const needle = query.toLowerCase();
    const found =
      needle && options.searchText
        ? rows.filter((row) => options.searchText!(row).toLowerCase().includes(needle))
        : [...rows];
    const column = columns.find((c) => c.key === sortKey);
    return column ? sortRows(found, column, descending) : found;
  };

  const renderHead = () => {
    const cells = columns.map((column) => {
      const active = column.key === sortKey;
      const button = el(
        "button",
        {type: "button", title: column.title, "data-sort": column.key},
        column.label,
        active ? (descending ? " ↓" : " ↑") : "",
      );
      button.addEventListener("click", () => {
        // Numbers (right-aligned) sort highest first on the first click, text A to Z.
        descending = sortKey === column.key ? !descending : column.align === "right";
        sortKey = column.key;
        render();
      });
      return el(
        "th",
        {
          class: column.align === "right" ? "rs-right" : null,
          "aria-sort": active ? (descending ? "descending" : "ascending") : null,
          scope: "col",
        },
        button,
      );
    });
    head.replaceChildren(el("tr", {}, ...cells));
  };

  const renderBody = (found: T[]) => {
    const shown = options.limit ? found.slice(0, options.limit) : found;
    const key = options.rowKey;
    body.replaceChildren(
      ...shown.map((row) => {
        const isSelected = selected !== null && (key ? key(selected) === key(row) : selected === row);
        const tr = el(
          "tr",
          {
            tabindex: options.selectable ? 0 : null,
            "aria-selected": options.selectable ? String(isSelected) : null,
            "data-key": key ? key(row) : null,
          },
          ...columns.map((column) =>
            el("td", {class: column.align === "right" ? "rs-right" : null}, display(column, row)),
          ),
        );
        if (options.selectable) {
          const choose = () => {
            selected = row;
            renderBody(matching());
            root.dispatchEvent(new Event("input", {bubbles: true}));
          };
          tr.addEventListener("click", choose);
          tr.addEventListener("keydown", (event) => {
            if (event.key !== "Enter" && event.key !== " ") return;
            event.preventDefault();
            choose();
          });
        }
        return tr;
      }),
    );
    if (shown.length === 0)
      body.append(
        el(
          "tr",
          {},
          el("td", {colspan: columns.length, class: "rs-empty"}, options.empty ?? "没有符合条件的数据"),
        ),
      );
    count.textContent =
      shown.length < found.length ? `显示 ${shown.length} / ${found.length} 行` : `共 ${found.length} 行`;
  };

  const render = () => {
    renderHead();
    renderBody(matching());
  };

  searchBox?.addEventListener("input", (event) => {
    event.stopPropagation();
    query = searchBox.value.trim();
    renderBody(matching());
  });
  download.addEventListener("click", () => {
    const csvColumns = columns.map((column) => ({
      label: column.label,
      value: (row: T): CsvValue => (column.csv ? column.csv(row) : column.value(row)),
    }));
    downloadCsv(toCsv(csvColumns, matching()), filename);
  });

  render();
  return asInput(
    root,
    () => selected,
    (value) => {
      selected = value;
      renderBody(matching());
    },
  );
}
