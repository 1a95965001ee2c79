// One validation of a document's header and register columns, used by the intake form, the
// demo import and the domain function itself, with specific Vietnamese messages per field.
import type { Locale } from '../core/i18n/i18n.ts';
import { parseDate, todayIso } from '../core/i18n/i18n.ts';
import { DOCUMENT_KINDS, type DocumentKind, type ReceivedStamp, type Secrecy, type Urgency } from './parser/types.ts';
import { DIRECTIONS, SECRECIES, URGENCIES, type Direction } from './schema.ts';
import { cleanNumber, numberIsBlank, numberKey } from './keys.ts';
import { documentMessages } from './messages.ts';

export const MAX_TEXT_CHARS = 1_000_000;
const MAX_LINES = 100;

export type DocumentInput = {
  direction: Direction;
  number: string | null;
  kind: DocumentKind;
  issuer: string | null;
  place: string | null;
  date: string | null;
  urgency: Urgency | null;
  secrecy: Secrecy | null;
  subject: string;
  signer: string | null;
  signerTitle: string | null;
  recipients: string[];
  copiesTo: string[];
  references: string[];
  supersedes: string[];
  amends: string[];
  text: string;
  receivedStamp: ReceivedStamp | null;
  /** Ngày đến (incoming) or ngày đi (outgoing). */
  entryDate: string;
  counterpart: string | null;
  forwardedTo: string | null;
  dueOn: string | null;
  copies: number | null;
  note: string | null;
};

export type RawDocument = Partial<Record<keyof DocumentInput, unknown>>;
export type Validation<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const oneLine = (v: unknown): string => (v == null ? '' : String(v)).normalize('NFC').replace(/\s+/g, ' ').trim();
const lines = (v: unknown): string[] => {
  const list = Array.isArray(v) ? v.map(String) : v == null ? [] : String(v).split(/\r?\n/);
  return list.map(oneLine).map((l) => l.replace(/^[-–•+]\s*/, '')).filter(Boolean);
};

export type ValidateOptions = {
  /** The document comes with a file (a scan, an original, an attachment): its text may be left empty. */
  textOptional?: boolean;
};

export function validateDocument(raw: RawDocument, locale: Locale, today = todayIso(), opts: ValidateOptions = {}): Validation<DocumentInput> {
  const m = documentMessages(locale).errors;
  const errors: Record<string, string> = {};

  const str = (key: keyof DocumentInput, max: number): string | null => {
    const s = oneLine(raw[key]);
    if (!s) return null;
    if (s.length > max) errors[key] = m.tooLong(max);
    return s;
  };
  const list = (key: keyof DocumentInput, maxLine: number): string[] => {
    const l = lines(raw[key]);
    if (l.length > MAX_LINES) errors[key] = m.tooManyLines(MAX_LINES);
    else if (l.some((x) => x.length > maxLine)) errors[key] = m.tooLong(maxLine);
    return l;
  };
  const numbers = (key: 'references' | 'supersedes' | 'amends'): string[] => {
    const out: string[] = [];
    for (const line of list(key, 80)) {
      const n = cleanNumber(line);
      if (!numberKey(n)) {
        errors[key] ??= m.refLine(line);
        continue;
      }
      if (!out.some((x) => numberKey(x) === numberKey(n))) out.push(n);
    }
    return out;
  };
  const date = (key: keyof DocumentInput): string | null => {
    const s = oneLine(raw[key]);
    if (!s) return null;
    const d = parseDate(s);
    if (!d) errors[key] = m.date;
    return d;
  };

  const direction = oneLine(raw.direction) as Direction;
  if (!DIRECTIONS.includes(direction)) errors.direction = m.direction;

  const kind = (oneLine(raw.kind) || 'khac') as DocumentKind;
  if (!DOCUMENT_KINDS.includes(kind)) errors.kind = m.kind;

  const subject = oneLine(raw.subject);
  if (!subject) errors.subject = m.subject;
  else if (subject.length > 1000) errors.subject = m.subjectLong;

  const issuer = str('issuer', 300);
  if (!issuer && direction === 'incoming') errors.issuer = m.issuer;

  let number = str('number', 80);
  if (number) {
    number = cleanNumber(number);
    if (!numberKey(number) && !(numberIsBlank(number) && /[\p{L}]/u.test(number))) errors.number = m.number;
  }

  const docDate = date('date');
  if (docDate && docDate > today) errors.date = m.future;

  const urgencyRaw = oneLine(raw.urgency);
  const urgency = urgencyRaw ? (urgencyRaw as Urgency) : null;
  if (urgency && !URGENCIES.includes(urgency)) errors.urgency = m.urgency;
  const secrecyRaw = oneLine(raw.secrecy);
  const secrecy = secrecyRaw ? (secrecyRaw as Secrecy) : null;
  if (secrecy && !SECRECIES.includes(secrecy)) errors.secrecy = m.secrecy;

  const text = (raw.text == null ? '' : String(raw.text)).normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (!text && !opts.textOptional) errors.text = m.textOrScan;
  else if (text.length > MAX_TEXT_CHARS) errors.text = m.textLong(MAX_TEXT_CHARS);

  const entryDateRaw = oneLine(raw.entryDate);
  let entryDate: string | null = null;
  if (!entryDateRaw) errors.entryDate = m.entryDate;
  else {
    entryDate = parseDate(entryDateRaw);
    if (!entryDate) errors.entryDate = m.date;
    else if (entryDate > today) errors.entryDate = m.future;
    else if (docDate && entryDate < docDate && !errors.date) errors.entryDate = m.entryBeforeDate;
  }
  const dueOn = date('dueOn');
  if (dueOn && entryDate && dueOn < entryDate) errors.dueOn = m.dueBeforeEntry;

  let copies: number | null = null;
  const copiesRaw = oneLine(raw.copies);
  if (copiesRaw) {
    copies = /^\d{1,5}$/.test(copiesRaw) ? Number(copiesRaw) : NaN;
    if (!Number.isInteger(copies) || copies < 1 || copies > 10000) errors.copies = m.copies;
  }

  const value: DocumentInput = {
    direction,
    number,
    kind,
    issuer,
    place: str('place', 100),
    date: docDate,
    urgency,
    secrecy,
    subject,
    signer: str('signer', 200),
    signerTitle: str('signerTitle', 200),
    recipients: list('recipients', 300),
    copiesTo: list('copiesTo', 300),
    references: numbers('references'),
    supersedes: numbers('supersedes'),
    amends: numbers('amends'),
    text,
    receivedStamp: (raw.receivedStamp as ReceivedStamp | null | undefined) ?? null,
    entryDate: entryDate ?? today,
    counterpart: str('counterpart', 500),
    forwardedTo: str('forwardedTo', 500),
    dueOn,
    copies,
    note: str('note', 1000),
  };
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

/** The fields of a registered document that a clerk may correct: its header, relations and text (not its register or direction). */
export const CORRECTABLE_FIELDS = ['number', 'kind', 'issuer', 'place', 'date', 'urgency', 'secrecy', 'subject', 'signer', 'signerTitle', 'recipients', 'copiesTo', 'references', 'supersedes', 'amends', 'text'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/**
 * Validates a correction of a registered document's header: the rules of intake, checked against
 * the register entry it already has (its direction and date of registration), and its number
 * must be complete when it is changed — the register gives numbers only when a document is first registered.
 */
export function validateCorrection(raw: RawDocument, locale: Locale, ctx: { direction: Direction; entryDate: string; textOptional: boolean; currentNumber: string | null }, today = todayIso()): Validation<DocumentInput> {
  const m = documentMessages(locale).errors;
  const fields: RawDocument = {};
  for (const k of CORRECTABLE_FIELDS) fields[k] = raw[k];
  const v = validateDocument({ ...fields, direction: ctx.direction, entryDate: ctx.entryDate }, locale, today, { textOptional: ctx.textOptional });
  const errors: Record<string, string> = v.ok ? {} : { ...v.errors };
  if (errors.entryDate) {
    // The date of registration is not on this form: a document date after it is the document date's fault.
    delete errors.entryDate;
    errors.date ??= m.dateAfterEntry(ctx.entryDate.split('-').reverse().join('/'));
  }
  const number = oneLine(raw.number);
  // A number printed blank ("Số:   /TB-UBND") may stay as it was registered; a corrected one must be whole.
  if (number && numberIsBlank(number) && cleanNumber(number) !== (ctx.currentNumber ?? '') && !errors.number) errors.number = m.numberIncomplete;
  if (Object.keys(errors).length) return { ok: false, errors };
  return v;
}
