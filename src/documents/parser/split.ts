// Document boundaries: one text may hold several documents back to back (a công văn followed by
// the documents it forwards) or none at all (a newspaper page). A document starts at a header
// anchor — a number line with a ký hiệu, the motto, or a printed type name — and the lines just
// above it that belong to the header (issuer, stamps, separators). A new anchor starts a new
// document once the current one is closed (Nơi nhận, a TM./KT./T/M… title, "./.") or, failing
// that, once it has plenty of body text. Annexes ("… ban hành kèm theo …") stay with their parent.
import type { Line } from './lines.ts';
import {
  hasLower, isAllCaps, isListItem, isNoiNhan, isSeparator, isSignaturePlaceholder, isTitleLike, mottoKind,
  parseDateLine, parseNumberLine, parseStampMarks, parseTypeLine,
} from './lines.ts';

export interface Section {
  start: number;
  end: number; // exclusive
}

type Anchor = 'number' | 'motto' | 'type';

const TITLE_MARKER_RE = /^(?:T\s*\/\s*M|K\s*\/\s*T|T\s*\/\s*L|TM\s*\.|KT\s*\.|TL\s*\.|TUQ\s*\.|Q\s*\.)\s*\p{Lu}/u;

export function isTitleMarker(text: string): boolean {
  return TITLE_MARKER_RE.test(text) && isAllCaps(text);
}

export function isProse(text: string): boolean {
  return text.length >= 60 && hasLower(text);
}

function anchorOf(text: string): Anchor | null {
  if (text === '') return null;
  if (parseNumberLine(text)) return 'number';
  const m = mottoKind(text);
  if (m === 'state' || m === 'party') return 'motto';
  if (parseTypeLine(text)) return 'type';
  return null;
}

const ANNEX_RE = /^\(?\s*(?:Ban hành\s+)?(?:kèm theo|đính kèm)\b/iu;

/** An annex title ("QUY CHẾ … (Ban hành kèm theo Quyết định số …)") rather than a new document. */
function isAnnex(lines: Line[], i: number): boolean {
  let seen = 0;
  for (let k = i; k < lines.length && seen < 8; k++) {
    const t = lines[k]?.text ?? '';
    if (t === '') continue;
    seen++;
    if (parseNumberLine(t)) return false;
    if (ANNEX_RE.test(t)) return true;
    if (/^PHỤ LỤC\b/u.test(t)) return true;
    if (isProse(t) && !/kèm theo/iu.test(t)) return false;
  }
  return false;
}

/** Lines above an anchor that still belong to its header: issuer lines, stamps, separators. */
function headerStart(lines: Line[], anchor: number, limit: number, stampLines: Set<number>): number {
  let start = anchor;
  for (let k = anchor - 1; k > limit; k--) {
    const t = lines[k]?.text ?? '';
    if (t === '' || isSeparator(t) || stampLines.has(k)) continue;
    const caps = isAllCaps(t) && t.length <= 150 && !isTitleLike(t) && !isSignaturePlaceholder(t) && !isListItem(t);
    if (caps || mottoKind(t) || parseStampMarks(t) || (parseDateLine(t)?.place ?? null) !== null) {
      start = k;
      continue;
    }
    break;
  }
  return start;
}

/** Splits the lines into documents. Lines before the first header are dropped. */
export function splitDocuments(lines: Line[], stampLines: Set<number>): Section[] {
  interface Current {
    start: number;
    anchor: number;
    closed: boolean;
    inAnnex: boolean;
    prose: number;
  }
  const sections: Section[] = [];
  const begin = (i: number, prev: Current | null): Current => {
    const start = headerStart(lines, i, prev ? prev.anchor : -1, stampLines);
    if (prev) sections.push({ start: prev.start, end: start });
    return { start, anchor: i, closed: false, inAnnex: false, prose: 0 };
  };
  let cur: Current | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (stampLines.has(i)) continue;
    const t = lines[i]?.text ?? '';
    const anchor = anchorOf(t);
    if (anchor) {
      if (cur === null) cur = begin(i, null);
      else if (cur.closed) {
        if (cur.inAnnex && anchor === 'type') continue;
        if (isAnnex(lines, i)) cur.inAnnex = true;
        else cur = begin(i, cur);
      } else if (anchor !== 'type' && cur.prose >= 3) {
        if (isAnnex(lines, i)) {
          cur.inAnnex = true;
          cur.closed = true;
        } else cur = begin(i, cur);
      }
      continue;
    }
    if (cur === null) continue;
    if (isProse(t)) cur.prose++;
    if (isNoiNhan(t) || isTitleMarker(t) || /\.\s*\/\s*\.\s*$/u.test(t)) cur.closed = true;
  }
  if (cur) sections.push({ start: cur.start, end: lines.length });
  return sections;
}
