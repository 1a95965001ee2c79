// Turning what a spreadsheet cell holds into what a form field expects. Spreadsheets kept by
// hand mix types freely: a date may be a real Excel date, "02/09/1975" typed as text, or a bare
// number; a phone number typed into a number cell loses its leading zero.
import { parseDate } from '../i18n/i18n.ts';

/** A cell's value after reading: exceljs's rich text, formulas and hyperlinks are flattened. */
export type CellValue = string | number | boolean | Date | null;

/** Flattens an exceljs cell value (rich text, hyperlink, formula result, error) to a plain value. */
export function plainCellValue(v: unknown): CellValue {
  if (v == null) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return plainCellValue((o.richText as { text?: string }[]).map((r) => r.text ?? '').join(''));
    if ('formula' in o || 'sharedFormula' in o) return plainCellValue(o.result);
    if ('hyperlink' in o && 'text' in o) return plainCellValue(o.text);
    if ('error' in o) return typeof o.error === 'string' ? o.error : null;
    if ('text' in o) return plainCellValue(o.text);
  }
  return String(v);
}

/** The cell as text (NFC, single spaces, trimmed); numbers without exponent or grouping. */
export function cellText(v: CellValue): string {
  if (v == null) return '';
  if (v instanceof Date) return isoDateOf(v) ?? '';
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  return String(v).normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** ISO date (yyyy-mm-dd) of an exceljs Date: Excel dates carry no zone, exceljs reads them as UTC. */
export function isoDateOf(d: Date): string | null {
  const t = d.getTime();
  if (Number.isNaN(t)) return null;
  // Round to the minute: some writers store 23:59:59.999 for a whole day.
  const r = new Date(Math.round(t / 60_000) * 60_000);
  return r.toISOString().slice(0, 10);
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Excel's serial day number (1900 system) as an ISO date, for plausible ranges only (1900–2199). */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 109_574) return null;
  return new Date(EXCEL_EPOCH_MS + Math.round(serial * 86_400_000 / 60_000) * 60_000).toISOString().slice(0, 10);
}

/**
 * A date cell as an ISO date string, or the original text when it is not a date (so the
 * validator can say what is wrong with it), or null when empty. Accepts real dates, Excel serial
 * numbers, dd/mm/yyyy (also with . or -), yyyy-mm-dd, and ddmmyyyy / yyyymmdd typed as numbers.
 */
export function cellDate(v: CellValue): string | null {
  if (v == null) return null;
  if (v instanceof Date) return isoDateOf(v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 1_000_000) return digitsDate(String(v)) ?? String(v);
    return excelSerialToIso(v) ?? String(v);
  }
  const s = cellText(v).replace(/^'/, '');
  if (!s) return null;
  if (/^\d{7,8}$/.test(s)) return digitsDate(s) ?? s;
  // "02/09/1975 00:00:00" from some exports.
  const withoutTime = s.replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '');
  return parseDate(withoutTime) ?? s;
}

function digitsDate(s: string): string | null {
  if (s.length === 8 && /^(19|20)\d{6}$/.test(s)) {
    const iso = parseDate(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`);
    if (iso) return iso;
  }
  const padded = s.padStart(8, '0');
  return parseDate(`${padded.slice(0, 2)}/${padded.slice(2, 4)}/${padded.slice(4, 8)}`);
}

/**
 * A phone number cell as text. A number cell drops the leading zero of "0912…": a 9-digit
 * number that is a Vietnamese mobile (3, 5, 7, 8, 9 after the zero) gets it back. A leading
 * apostrophe (Excel's "keep as text" mark) is removed.
 */
export function cellPhone(v: CellValue): string | null {
  const s = cellText(v).replace(/^'/, '').trim();
  if (!s) return null;
  const digits = s.replace(/[\s.\-()]/g, '');
  if (/^[35789]\d{8}$/.test(digits)) return `0${digits}`;
  return s;
}

/** An identifier typed into a cell (card numbers, codes): text, no apostrophe, no exponent. */
export function cellCode(v: CellValue): string | null {
  const s = cellText(v).replace(/^'/, '').trim();
  return s === '' ? null : s;
}

/** Header text folded for matching: no diacritics, lower case, punctuation as spaces. */
export function foldHeader(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
