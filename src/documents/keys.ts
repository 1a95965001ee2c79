// Keys that make two spellings of the same thing compare equal: document numbers ("89/TB-VPCP",
// "89 TB VPCP", "Số 89/TB-VPCP" → "89tbvpcp") and issuers ("ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC" and
// "UBND tỉnh Bình Phước"). Pure functions, shared by intake, duplicate detection, citations and search.
import { foldVietnamese } from '../core/text/vietnamese.ts';
import { kindFromSymbol, type DocumentKind } from './parser/index.ts';

/** Letters and digits of a document number, folded: "23/2021/QĐ-TTg" → "232021qdttg". Null if there is no digit. */
export function numberKey(number: string | null | undefined): string | null {
  if (!number) return null;
  const key = foldVietnamese(number)
    .replace(/^so\s*[:.]?\s*/, '')
    .replace(/[^a-z0-9]/g, '');
  return /\d/.test(key) && /[a-z]/.test(key) ? key : null;
}

/** Whitespace removed, as the parser prints numbers: "354 - CV/TU" → "354-CV/TU". */
export function cleanNumber(number: string): string {
  return number.normalize('NFC').replace(/^\s*Số\s*[:.]?\s*/iu, '').replace(/\s+/g, '');
}

/** The numeric part of a number is blank ("/TB-UBND"): the outgoing register gives it. */
export function numberIsBlank(number: string | null | undefined): boolean {
  return !number || /^\s*[/-]/.test(number.replace(/^\s*Số\s*[:.]?\s*/iu, ''));
}

/** The symbol after the number: "107/TB-UBND" → "TB-UBND", "354-CV/TU" → "CV/TU". */
export function symbolOf(number: string): string | null {
  const m = /^\s*\d+(?:\/\d{4})?\s*[/-]\s*(.+)$/u.exec(cleanNumber(number));
  return m ? m[1]!.trim() || null : null;
}

/**
 * Does a search query look like a document number? "89/TB-VPCP", "89 TB VPCP", "354-CV/TU",
 * "23/2021/QĐ-TTg": digits, then groups of letters (a year may sit in between).
 */
export function looksLikeNumber(query: string): boolean {
  const f = foldVietnamese(query).replace(/^so\s*[:.]?\s*/, '');
  return /^\d{1,6}(?:\s*[/.\-\s]\s*\d{4})?(?:\s*[/.\-\s]?\s*[a-z][a-z0-9]*)(?:\s*[/.\-\s]\s*[a-z][a-z0-9]*){0,3}$/.test(f);
}

const ISSUER_ABBREVIATIONS: [RegExp, string][] = [
  [/\buy ban nhan dan\b/g, 'ubnd'],
  [/\bhoi dong nhan dan\b/g, 'hdnd'],
  [/\buy ban mat tran to quoc viet nam\b/g, 'ubmttq viet nam'],
  [/\bmat tran to quoc\b/g, 'mttq'],
  [/\bban chi dao\b/g, 'bcd'],
  [/\bthanh pho\b/g, 'tp'],
];

/** A folded issuer name with the usual abbreviations contracted, punctuation dropped. */
export function issuerFold(name: string): string {
  let s = foldVietnamese(name)
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, short] of ISSUER_ABBREVIATIONS) s = s.replace(re, short);
  return s.replace(/\bcovid 19\b/g, 'covid19');
}

/** The issuer part of the duplicate key: the unit when it is known, else the folded name. */
export function issuerKey(issuer: string | null, issuerUnitId: number | null): string {
  if (issuerUnitId != null) return `u${issuerUnitId}`;
  return issuer ? issuerFold(issuer) : '';
}

/** Kind of a cited document from its symbol, or null when the symbol says nothing. */
export function kindOfNumber(number: string): DocumentKind | null {
  const symbol = symbolOf(number);
  if (!symbol) return null;
  const party = /^\d+-/.test(cleanNumber(number));
  const k = kindFromSymbol(symbol, party);
  return k && k !== 'khac' ? k : null;
}

/**
 * The date printed after a citation in the text: "Thông báo số 203/TB-VPCP ngày 26/7/2021" →
 * "2021-07-26". Looks only right after the first occurrence of the number.
 */
export function citationDate(text: string, number: string): string | null {
  const flexible = cleanNumber(number)
    .split('')
    .map((ch) => (/[/-]/.test(ch) ? '\\s*[/-]\\s*' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`${flexible}\\s*,?\\s*(?:\\(|của[^,;.]{0,80}?)?\\s*ngày\\s+(\\d{1,2})\\s*[/.-]\\s*(\\d{1,2})\\s*[/.-]\\s*(\\d{4})`, 'iu');
  const m = re.exec(text.normalize('NFC'));
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
