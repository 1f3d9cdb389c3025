export {registerReportCommand, runReport, type ReportCommandDeps, type ReportRun} from "./command.js";
export {buildReportData, reportSettings, reportTitle, type ReportOptions} from "./data.js";
export {REPORT_CSS, renderHtml, renderReportBody} from "./html.js";
export {escapeMarkdown, renderMarkdown} from "./markdown.js";
export {narrative} from "./narrative.js";
export {reportPagePaths, reportWeeks, lastReportWeek} from "./site.js";
export {renderText, TEXT_MAX_CHARS} from "./text.js";
export {REPORT_DEFAULTS, type ReportData, type ReportSettings} from "./types.js";
export {
  beijingDate,
  lastCompleteWeek,
  lastWeekEndingBy,
  parseWeek,
  shiftWeek,
  weekOfDate,
  weeksInYear,
  type IsoWeek,
} from "./week.js";
export {
  readReportIndex,
  REPORTS_DIR,
  reportPagePath,
  writeReport,
  type ReportIndex,
  type WeeklyReportMessage,
  type WrittenReport,
} from "./write.js";
