// Reading a spreadsheet (.xlsx through exceljs, CSV through csv-parse) into rows of plain cell
// values, then finding the header row and mapping its columns to the keys a feature expects.
// Row numbers are the ones the user sees in Excel, so messages can point at them.
import ExcelJS from 'exceljs';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { SpreadsheetError } from './errors.ts';
import { checkZipLimits, ZipGuardError } from '../archive/zip-guard.ts';
import { detectSpreadsheetFormat, type SpreadsheetFormat } from './detect.ts';
import { cellText, foldHeader, plainCellValue, type CellValue } from './values.ts';

export type SheetRow = { /** 1-based, as Excel shows it. */ rowNumber: number; cells: CellValue[] };
export type Sheet = { name: string; rows: SheetRow[] };
export type ReadOptions = { /** Sheet name (xlsx); default: the first visible sheet. */ sheet?: string; /** Refuse files with more data rows than this. */ maxRows?: number };

export const DEFAULT_MAX_ROWS = 100_000;

/** Reads the first visible sheet (or the named one) of an .xlsx workbook. */
export async function readXlsx(buf: Uint8Array, opts: ReadOptions = {}): Promise<Sheet> {
  const wb = new ExcelJS.Workbook();
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  try {
    checkZipLimits(bytes);
  } catch (e) {
    if (e instanceof ZipGuardError && (e.problem === 'too_large' || e.problem === 'too_many_entries')) throw new SpreadsheetError({ reason: 'inflatesTooLarge' });
    throw new SpreadsheetError({ reason: 'corrupt' });
  }
  try {
    await wb.xlsx.load(bytes as never);
  } catch {
    throw new SpreadsheetError({ reason: 'corrupt' });
  }
  let ws: ExcelJS.Worksheet | undefined;
  if (opts.sheet) {
    const wanted = foldHeader(opts.sheet);
    ws = wb.worksheets.find((w) => w.name === opts.sheet) ?? wb.worksheets.find((w) => foldHeader(w.name) === wanted);
    if (!ws) throw new SpreadsheetError({ reason: 'noSheet', name: opts.sheet });
  } else {
    ws = wb.worksheets.find((w) => w.state === 'visible' || w.state === undefined) ?? wb.worksheets[0];
    if (!ws) throw new SpreadsheetError({ reason: 'noWorksheet' });
  }
  const max = opts.maxRows ?? DEFAULT_MAX_ROWS;
  const rows: SheetRow[] = [];
  let tooMany = false;
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (tooMany) return;
    const values = row.values as unknown[];
    const cells: CellValue[] = [];
    let any = false;
    for (let i = 1; i < values.length; i++) {
      const v = plainCellValue(values[i]);
      cells.push(v);
      if (v != null && !(typeof v === 'string' && v.trim() === '')) any = true;
    }
    if (!any) return;
    if (rows.length > max) tooMany = true;
    else rows.push({ rowNumber, cells });
  });
  if (tooMany) throw new SpreadsheetError({ reason: 'tooManyRows', max });
  return { name: ws.name, rows };
}

/** Text of a CSV file: UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused. */
export function decodeCsvText(buf: Uint8Array): string {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b);
  } catch {
    throw new SpreadsheetError({ reason: 'encoding' });
  }
}

/** The delimiter of a CSV text: an Excel "sep=" line, else the commonest of , ; and tab outside quotes in the first lines. */
export function sniffDelimiter(text: string): { delimiter: string; skipFirstLine: boolean } {
  const sep = /^sep=(.)\r?\n/.exec(text);
  if (sep) return { delimiter: sep[1]!, skipFirstLine: true };
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  let lines = 0;
  for (let i = 0; i < text.length && i < 20_000; i++) {
    const ch = text[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch in counts) counts[ch]!++;
    else if (!inQuotes && ch === '\n' && ++lines >= 5) break;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return { delimiter: best[1] > 0 ? best[0] : ',', skipFirstLine: false };
}

/** Reads a CSV file (BOM accepted; comma, semicolon or tab). Row numbers are record numbers, as Excel would show them. */
export function readCsv(buf: Uint8Array, opts: ReadOptions = {}): Sheet {
  let text = decodeCsvText(buf).replace(/^\uFEFF/, '');
  const { delimiter, skipFirstLine } = sniffDelimiter(text);
  if (skipFirstLine) text = text.slice(text.indexOf('\n') + 1);
  let records: string[][];
  try {
    records = parseCsvSync(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (e) {
    const line = Number((e as { lines?: number }).lines ?? 0);
    throw new SpreadsheetError({ reason: 'csvMalformed', line: line + (skipFirstLine ? 1 : 0) });
  }
  const max = opts.maxRows ?? DEFAULT_MAX_ROWS;
  const rows: SheetRow[] = [];
  records.forEach((rec, i) => {
    const cells = rec.map((c) => (c.trim() === '' ? null : c));
    if (cells.every((c) => c == null)) return;
    rows.push({ rowNumber: i + 1 + (skipFirstLine ? 1 : 0), cells });
  });
  if (rows.length > max + 1) throw new SpreadsheetError({ reason: 'tooManyRows', max });
  return { name: 'CSV', rows };
}

/** Detects the format by content and reads the file. */
export async function readSpreadsheet(buf: Uint8Array, opts: ReadOptions & { fileName?: string } = {}): Promise<{ format: SpreadsheetFormat; sheet: Sheet }> {
  const format = detectSpreadsheetFormat(buf, opts.fileName);
  const sheet = format === 'xlsx' ? await readXlsx(buf, opts) : readCsv(buf, opts);
  return { format, sheet };
}

// Header detection.

export type ColumnSpec<K extends string = string> = {
  key: K;
  /** The header as the product writes it (also used in messages). */
  label: string;
  /** Other headers seen in the wild; compared folded (no diacritics, case or punctuation). */
  aliases?: readonly string[];
};

export type HeaderMatch<K extends string = string> = {
  rowNumber: number;
  /** Column index (0-based) of each recognised key, with the header as written in the file. */
  columns: { key: K; index: number; header: string }[];
  /** Headers present in the file that match no key (ignored on import). */
  unknown: { index: number; header: string }[];
};

function aliasTable<K extends string>(specs: readonly ColumnSpec<K>[]): Map<string, K> {
  const map = new Map<string, K>();
  for (const s of specs) for (const a of [s.label, ...(s.aliases ?? [])]) if (!map.has(foldHeader(a))) map.set(foldHeader(a), s.key);
  return map;
}

/**
 * Finds the header row among the first `scanRows` rows: the first row where at least
 * `minMatches` cells name known columns and every `required` key is present. Title rows above
 * it ("DANH SÁCH ĐẢNG VIÊN…") are skipped.
 */
export function findHeader<K extends string>(sheet: Sheet, specs: readonly ColumnSpec<K>[], opts: { required?: readonly K[]; minMatches?: number; scanRows?: number } = {}): HeaderMatch<K> | null {
  const table = aliasTable(specs);
  const scan = sheet.rows.slice(0, opts.scanRows ?? 20);
  for (const row of scan) {
    const columns: HeaderMatch<K>['columns'] = [];
    const unknown: HeaderMatch<K>['unknown'] = [];
    row.cells.forEach((c, index) => {
      const header = cellText(c);
      if (!header) return;
      const key = table.get(foldHeader(header));
      if (key && !columns.some((x) => x.key === key)) columns.push({ key, index, header });
      else unknown.push({ index, header });
    });
    const keys = new Set(columns.map((c) => c.key));
    if (columns.length >= (opts.minMatches ?? 2) && (opts.required ?? []).every((k) => keys.has(k))) return { rowNumber: row.rowNumber, columns, unknown };
  }
  return null;
}

export type TableRow<K extends string> = { rowNumber: number; values: Partial<Record<K, CellValue>> };

/** The data rows below the header, as records keyed by column key. A row of column numbers ("(1)", "(2)"…) is skipped. */
export function tableRows<K extends string>(sheet: Sheet, header: HeaderMatch<K>): TableRow<K>[] {
  const out: TableRow<K>[] = [];
  for (const row of sheet.rows) {
    if (row.rowNumber <= header.rowNumber) continue;
    const values: Partial<Record<K, CellValue>> = {};
    let any = false;
    for (const c of header.columns) {
      const v = row.cells[c.index] ?? null;
      values[c.key] = v;
      if (v != null && cellText(v) !== '') any = true;
    }
    if (!any) continue;
    const filled = header.columns.map((c) => cellText(row.cells[c.index] ?? null)).filter((s) => s !== '');
    if (filled.length > 1 && filled.every((s) => /^\(?\d{1,2}\)?$/.test(s))) continue;
    out.push({ rowNumber: row.rowNumber, values });
  }
  return out;
}

export type Table<K extends string> = { format: SpreadsheetFormat; sheetName: string; header: HeaderMatch<K>; rows: TableRow<K>[] };

/** Reads a file and maps it to `specs`: the whole path from bytes to keyed rows, with clear refusals. */
export async function readTable<K extends string>(
  buf: Uint8Array,
  specs: readonly ColumnSpec<K>[],
  opts: ReadOptions & { fileName?: string; required?: readonly K[]; minMatches?: number } = {},
): Promise<Table<K>> {
  const { format, sheet } = await readSpreadsheet(buf, opts);
  if (sheet.rows.length === 0) throw new SpreadsheetError({ reason: 'empty' });
  const header = findHeader(sheet, specs, opts);
  if (!header) {
    const expected = (opts.required?.length ? specs.filter((s) => opts.required!.includes(s.key)) : specs.slice(0, 3)).map((s) => s.label);
    throw new SpreadsheetError({ reason: 'noHeader', expected });
  }
  const rows = tableRows(sheet, header);
  if (rows.length === 0) throw new SpreadsheetError({ reason: 'noRows' });
  return { format, sheetName: sheet.name, header, rows };
}
