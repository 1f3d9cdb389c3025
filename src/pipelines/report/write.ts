/**
 * writeReport: <reportsDir>/2026-W47.md and .html, a PDF when Chromium is installed, and
 * index.json, the list of the weeks written there. Each file is written under a temporary name and
 * renamed, so that a reader never sees half a report. Returns the message for delivery.
 */
import {mkdir, readFile, rename, rm, writeFile} from "node:fs/promises";
import {join, resolve} from "node:path";
import {PipelineError, errorMessage} from "../errors.js";
import {renderHtml} from "./html.js";
import {renderMarkdown} from "./markdown.js";
import {CHROMIUM_PATH, hasChromium, printPdf} from "./pdf.js";
import {renderText} from "./text.js";
import type {ReportData} from "./types.js";

export const REPORTS_DIR = "./data/reports";
export const REPORT_INDEX = "index.json";

/** What the delivery module sends (structurally its ReportMessage). */
export interface WeeklyReportMessage {
  week: string;
  title: string;
  markdown: string;
  text: string;
  html: string;
  pdfPath?: string;
  /** The dashboard page of the week, when a base URL is known. */
  url?: string;
}

export interface ReportIndexEntry {
  week: string;
  title: string;
  start: string;
  end: string;
  generated_at: string;
  files: {markdown: string; html: string; pdf?: string};
  paid_orders: number;
  unit_return_rate: number | null;
  forecast_rate: number | null;
  is_mature: boolean | null;
}

export interface ReportIndex {
  weeks: ReportIndexEntry[];
}

export interface WriteReportOptions {
  /** Default REPORTS_DIR, relative to the working directory. */
  reportsDir?: string;
  /** false: no PDF; true: a PDF or an error; undefined: a PDF when Chromium is installed. */
  pdf?: boolean;
  chromiumPath?: string;
  now?: () => Date;
}

export interface WrittenReport {
  message: WeeklyReportMessage;
  paths: {dir: string; markdown: string; html: string; pdf?: string; index: string};
}

/** The path of a week's page on the dashboard, relative to the site's root. */
export const reportPagePath = (week: string): string => `reports/${week}.html`;

async function writeAtomic(path: string, content: string): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, content);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, {force: true});
    throw error;
  }
}

export async function readReportIndex(path: string): Promise<ReportIndex> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {weeks: []};
    throw error;
  }
  try {
    const index = JSON.parse(text) as ReportIndex;
    if (!Array.isArray(index.weeks)) throw new Error("no weeks list");
    return index;
  } catch (error) {
    throw new PipelineError(`not a report index (${errorMessage(error)}); move it away to start a new one`, {
      file: path,
      step: "report",
    });
  }
}

export async function writeReport(
  data: ReportData,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  const dir = resolve(options.reportsDir ?? REPORTS_DIR);
  await mkdir(dir, {recursive: true});
  const week = data.week.week;
  const markdown = renderMarkdown(data);
  const html = renderHtml(data);
  const text = renderText(data);
  const paths: WrittenReport["paths"] = {
    dir,
    markdown: join(dir, `${week}.md`),
    html: join(dir, `${week}.html`),
    index: join(dir, REPORT_INDEX),
  };
  await writeAtomic(paths.markdown, markdown);
  await writeAtomic(paths.html, html);
  const chromium = options.chromiumPath ?? CHROMIUM_PATH;
  if (options.pdf === true || (options.pdf === undefined && hasChromium(chromium))) {
    if (!hasChromium(chromium))
      throw new PipelineError(`no Chromium at ${chromium} to print the PDF (apt-get install -y chromium)`, {
        step: "report",
      });
    paths.pdf = join(dir, `${week}.pdf`);
    await printPdf(html, paths.pdf, chromium);
  }

  const index = await readReportIndex(paths.index);
  const {current} = data.headline;
  const entry: ReportIndexEntry = {
    week,
    title: data.title,
    start: data.week.start,
    end: data.week.end,
    generated_at: (options.now ?? (() => new Date()))().toISOString(),
    files: {
      markdown: `${week}.md`,
      html: `${week}.html`,
      ...(paths.pdf ? {pdf: `${week}.pdf`} : {}),
    },
    paid_orders: current.paidOrders,
    unit_return_rate: current.unitReturnRate,
    forecast_rate: current.forecast?.rate ?? null,
    is_mature: current.forecast?.isMature ?? null,
  };
  const weeks = [...index.weeks.filter((w) => w.week !== week), entry].sort((a, b) =>
    b.week.localeCompare(a.week),
  );
  await writeAtomic(paths.index, JSON.stringify({weeks}, null, 2) + "\n");

  return {
    message: {week, title: data.title, markdown, text, html, ...(paths.pdf ? {pdfPath: paths.pdf} : {})},
    paths,
  };
}
