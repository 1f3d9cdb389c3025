// Observable Framework configuration for the Returnscope dashboard. Built offline: no CDN, no
// Google Fonts — see ../shared/framework-offline.md. `returnscope build` sets the output folder and
// the warehouse the data loaders read (RETURNSCOPE_SITE_OUTPUT, RETURNSCOPE_WAREHOUSE).
import {dynamicReportPaths} from "./src/pipelines/report/site.js";

export default {
  title: "退货透视 Returnscope",
  root: "src",
  output: process.env.RETURNSCOPE_SITE_OUTPUT || "dist",
  pages: [
    {name: "总览 Overview", path: "/"},
    {name: "退货原因 Reasons", path: "/pages/reasons"},
    {name: "商品与SKU Products", path: "/pages/products"},
    {name: "尺码 Sizes", path: "/pages/sizes"},
    {name: "地区 Regions", path: "/pages/regions"},
    {name: "渠道与达人 Channels", path: "/pages/channels"},
    {name: "成本与损耗 Costs", path: "/pages/costs"},
    {name: "售后时效 Operations", path: "/pages/operations"},
    {name: "售后工作台 Worklist", path: "/pages/worklist"},
    {name: "体验分风险 Platform score", path: "/pages/platform"},
    {name: "风险 Risk", path: "/pages/risk"},
    {name: "周报 Weekly reports", path: "/reports/"},
    {name: "口径 Definitions", path: "/pages/definitions"},
  ],
  // The default stylesheet links Google Fonts, which these machines cannot reach; ours imports
  // Framework's own CSS and themes (light and dark) and sets a font stack that covers Chinese.
  globalStylesheets: [],
  style: "components/style.css",
  // Links end in .html so that dist/ works on any static host, at any sub-path.
  preserveExtension: true,
  // TypeScript loaders run with the tsx of node_modules, not one on the PATH.
  interpreters: {".ts": [process.execPath, "--import", "tsx"]},
  // No favicon request (the site has none; a 404 would be noise in the browser console).
  head: '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">',
  search: false,
  pager: false,
  // A page per weekly report (src/reports/[week].md) for the latest complete weeks in the warehouse
  // (read-only; none without one): RETURNSCOPE_REPORT_PAGES of them, default 4.
  dynamicPaths: dynamicReportPaths,
  footer: "退货透视 Returnscope · 数据来自抖店导出，口径见“口径”页",
};
