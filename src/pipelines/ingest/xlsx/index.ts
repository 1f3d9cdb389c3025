export {readXlsxRows, XlsxError} from "./read.js";
export type {XlsxReadOptions, XlsxReadResult, XlsxRowHandler} from "./read.js";
export {convertXlsxToCsv, csvField, RowWidthError} from "./csv.js";
export type {XlsxCsvOptions, XlsxCsvResult} from "./csv.js";
export {writeXlsx} from "./write.js";
export type {XlsxCell, XlsxWriteOptions} from "./write.js";
