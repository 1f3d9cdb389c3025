export {readXlsxRows, XlsxError} from "./read.js";
export type {XlsxReadOptions, XlsxReadResult, XlsxRowHandler} from "./read.js";
export {writeXlsx} from "./write.js";
export type {XlsxCell, XlsxWriteOptions} from "./write.js";
