// From a parsed document to the intake form's values: the header the parser read, the register
// columns a clerk usually fills from the ĐẾN stamp, and suggestions the clerk confirms (which
// citations supersede or amend, which attachments the text mentions). Pure functions.
import { formatDate } from '../core/i18n/i18n.ts';
import type { ParsedDocument } from './parser/types.ts';
import { cleanNumber, numberKey } from './keys.ts';
import type { Direction } from './schema.ts';

export type IntakeValues = Record<string, string>;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const flexibleNumber = (n: string) =>
  cleanNumber(n)
    .split('')
    .map((ch) => (/[/-]/.test(ch) ? '\\s*[/-]\\s*' : escapeRe(ch)))
    .join('');

/** Citations the text says it replaces ("thay thế", "bãi bỏ") or amends ("sửa đổi, bổ sung", "điều chỉnh"). */
export function suggestRelations(text: string, references: string[]): { supersedes: string[]; amends: string[] } {
  const supersedes: string[] = [];
  const amends: string[] = [];
  const flat = text.normalize('NFC').replace(/\s+/g, ' ');
  for (const ref of references) {
    const n = flexibleNumber(ref);
    if (new RegExp(`(?:thay thế|bãi bỏ|hết hiệu lực)[^.;]{0,100}?${n}`, 'iu').test(flat) || new RegExp(`${n}[^.;]{0,60}?(?:hết hiệu lực|được thay thế|bị bãi bỏ)`, 'iu').test(flat)) supersedes.push(ref);
    else if (new RegExp(`(?:sửa đổi|bổ sung|điều chỉnh)[^.;]{0,100}?${n}`, 'iu').test(flat)) amends.push(ref);
  }
  return { supersedes, amends };
}

/** Phrases of the text that mention enclosures ("Kèm theo…", "Phụ lục…"), for the clerk to attach them. */
export function enclosureMentions(text: string): string[] {
  const out: string[] = [];
  for (const line of text.normalize('NFC').split('\n')) {
    const m = /(?:^|[(\s])((?:kèm theo|gửi kèm|phụ lục)\b[^\n]{0,160})/iu.exec(line);
    if (!m) continue;
    const phrase = m[1]!.replace(/[)\s./]+$/u, '').trim();
    if (phrase.length > 8 && !out.includes(phrase)) out.push(phrase.length >= 160 ? `${phrase}…` : phrase);
    if (out.length >= 5) break;
  }
  return out;
}

/** The intake form's values for a parsed document (the clerk then corrects them). */
export function valuesFromParsed(doc: ParsedDocument | null, text: string, direction: Direction, today: string): IntakeValues {
  const v: IntakeValues = { direction, text, entryDate: formatDate(today), kind: 'khac' };
  if (!doc) return v;
  v.number = doc.number ?? (doc.symbol ? `/${doc.symbol}` : '');
  v.kind = doc.kind;
  v.issuer = doc.issuer ?? '';
  v.place = doc.place ?? '';
  v.date = doc.date ? formatDate(doc.date) : '';
  v.urgency = doc.urgency ?? '';
  v.secrecy = doc.secrecy ?? '';
  v.subject = doc.subject ?? '';
  v.signer = doc.signer ?? '';
  v.signerTitle = doc.signer_title ?? '';
  v.recipients = doc.recipients.join('\n');
  v.copiesTo = doc.copies_to.join('\n');
  const refs = doc.references.filter((r) => numberKey(r) != null);
  const rel = suggestRelations(text, refs);
  v.references = refs.join('\n');
  v.supersedes = rel.supersedes.join('\n');
  v.amends = rel.amends.join('\n');
  if (direction === 'incoming' && doc.received) {
    if (doc.received.date && doc.received.date <= today && (!doc.date || doc.received.date >= doc.date)) v.entryDate = formatDate(doc.received.date);
    if (doc.received.forwarded_to) v.forwardedTo = doc.received.forwarded_to;
  }
  if (direction === 'outgoing') v.counterpart = doc.copies_to.filter((c) => !/^lưu\b/iu.test(c)).join('; ');
  if (doc.received) v.receivedStamp = JSON.stringify(doc.received);
  return v;
}
