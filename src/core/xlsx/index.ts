// Spreadsheets for every feature: read .xlsx (exceljs) and CSV (csv-parse) into rows with header
// detection, write .xlsx and CSV. Format is decided by content; refusals are SpreadsheetErrors.
export { detectSpreadsheetFormat, type SpreadsheetFormat } from './detect.ts';
export { SpreadsheetError, spreadsheetProblemMessage, type SpreadsheetProblem } from './errors.ts';
export { spreadsheetMessages } from './messages.ts';
export { DEFAULT_MAX_ROWS, decodeCsvText, findHeader, readCsv, readSpreadsheet, readTable, readXlsx, sniffDelimiter, tableRows } from './read.ts';
export type { ColumnSpec, HeaderMatch, ReadOptions, Sheet, SheetRow, Table, TableRow } from './read.ts';
export { cellCode, cellDate, cellPhone, cellText, excelSerialToIso, foldHeader, isoDateOf, plainCellValue, type CellValue } from './values.ts';
export { DATE_FORMAT, sheetName, writeCsv, writeXlsx, type Column, type ColumnType, type SheetSpec } from './write.ts';
