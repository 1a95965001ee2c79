// Writing spreadsheets people open in Excel: an .xlsx with a bold, frozen header row, widths
// that fit the content and real dates shown as dd/mm/yyyy; or a CSV in UTF-8 with a BOM so
// Excel shows Vietnamese letters correctly. Rows may come from an async source (a paged query).
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { formatDate } from '../i18n/i18n.ts';
import type { CellValue } from './values.ts';

export type ColumnType = 'text' | 'number' | 'date' | 'boolean';

export type Column<R> = {
  header: string;
  /** How the value is stored: text keeps leading zeros ("0912…"), date is a real Excel date. */
  type?: ColumnType;
  /** Width in characters; computed from the header and the first rows when absent. */
  width?: number;
  value: (row: R) => CellValue | undefined;
};

export type SheetSpec<R> = { name: string; columns: Column<R>[]; rows: Iterable<R> | AsyncIterable<R> };

export const DATE_FORMAT = 'dd/mm/yyyy';
const SAMPLE_ROWS = 200;

/** A date column's value as an exceljs Date (UTC midnight: Excel dates have no time zone). */
function toExcelDate(v: CellValue | undefined): Date | null {
  if (v == null || v === '') return null;
  if (v instanceof Date) return v;
  if (typeof v === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
    if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }
  return null;
}

function excelValue<R>(col: Column<R>, row: R): ExcelJS.CellValue {
  const v = col.value(row);
  if (v == null || v === '') return null;
  switch (col.type) {
    case 'date':
      return toExcelDate(v) ?? String(v);
    case 'text':
      return v instanceof Date ? formatDate(v) : String(v);
    default:
      return v;
  }
}

function displayLength(v: ExcelJS.CellValue): number {
  if (v == null) return 0;
  if (v instanceof Date) return 10;
  return String(v).length;
}

/** Sanitises a sheet name: Excel allows 31 characters and none of []:*?/\ */
export function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31) || 'Sheet1';
}

/** Writes a workbook with one sheet per spec and returns its bytes. */
export async function writeXlsx<R>(sheets: SheetSpec<R>[], opts: { creator?: string } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  wb.creator = opts.creator ?? 'Sổ tay';
  wb.created = new Date();
  for (const spec of sheets) {
    const ws = wb.addWorksheet(sheetName(spec.name), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    // Widths from the header and a sample of rows; the sample is then written first.
    const iterator = (Symbol.asyncIterator in spec.rows ? (spec.rows as AsyncIterable<R>)[Symbol.asyncIterator]() : (spec.rows as Iterable<R>)[Symbol.iterator]()) as AsyncIterator<R> | Iterator<R>;
    const sample: R[] = [];
    let finished = false;
    while (sample.length < SAMPLE_ROWS) {
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        break;
      }
      sample.push(next.value);
    }
    ws.columns = spec.columns.map((c, i) => {
      const longest = Math.max(c.header.length, ...sample.map((r) => displayLength(excelValue(c, r))));
      const style: Partial<ExcelJS.Style> = c.type === 'date' ? { numFmt: DATE_FORMAT } : c.type === 'text' ? { numFmt: '@' } : {};
      return { key: `c${i}`, width: c.width ?? Math.min(60, Math.max(8, Math.ceil(longest * 1.15) + 2)), style };
    });
    const header = ws.getRow(1);
    spec.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.value = c.header;
      cell.font = { bold: true };
      cell.numFmt = 'General';
      cell.alignment = { vertical: 'middle', wrapText: true };
      cell.border = { bottom: { style: 'thin' } };
    });
    header.commit();
    const write = (r: R) => ws.addRow(spec.columns.map((c) => excelValue(c, r))).commit();
    for (const r of sample) write(r);
    while (!finished) {
      const next = await iterator.next();
      if (next.done) break;
      write(next.value);
    }
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: spec.columns.length } };
    ws.commit();
  }
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

const BOM = '\uFEFF';

function csvValue<R>(col: Column<R>, row: R): string {
  const v = col.value(row);
  if (v == null) return '';
  if (col.type === 'date' || v instanceof Date) {
    const d = v instanceof Date ? v : toExcelDate(v);
    return d ? formatDate(d.toISOString().slice(0, 10)) : String(v);
  }
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (typeof v === 'number') return String(v);
  // Excel runs a cell that starts with = + - @ as a formula: keep such text as text.
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** Writes a CSV (UTF-8 with BOM, comma-separated, CRLF line ends as Excel writes them). */
export async function writeCsv<R>(columns: Column<R>[], rows: Iterable<R> | AsyncIterable<R>, opts: { delimiter?: string } = {}): Promise<Buffer> {
  const records: string[][] = [columns.map((c) => c.header)];
  for await (const r of rows as AsyncIterable<R>) records.push(columns.map((c) => csvValue(c, r)));
  const text = stringify(records, { delimiter: opts.delimiter ?? ',', record_delimiter: 'windows' });
  return Buffer.from(BOM + text, 'utf8');
}
