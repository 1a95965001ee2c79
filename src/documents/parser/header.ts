// Reading the fields of one document: the header (issuer, number and symbol, place and date,
// urgency and secrecy stamps, type name, subject, addressees), the closing block (Nơi nhận,
// signer's title and name) and the documents it cites.
import type { DateInfo, Line, NumberInfo, TypeLine } from './lines.ts';
import { fold } from './normalize.ts';
import {
  hasLower, isAllCaps, isDienLine, isTitleLike, isKinhGui, isListItem, isNoiNhan, isPersonName, isSeparator,
  isCapitalName, isSignaturePlaceholder, isStampNumber, listItemText, mottoKind, parseDateLine, parseNumberLine,
  parseStampMarks, parseTypeLine, signedByName,
} from './lines.ts';
import { isProse, isTitleMarker } from './split.ts';
import type { Section } from './split.ts';
import type { StampBlock } from './stamp.ts';
import type { DocumentKind, ParsedDocument, ReceivedStamp, Secrecy, Urgency } from './types.ts';

export interface SectionResult {
  document: ParsedDocument;
  /** Lines [bodyStart, bodyEnd) hold the body. */
  bodyStart: number;
  bodyEnd: number;
  /** Number of header features seen; a section with fewer than two is not a document. */
  features: number;
}

const ORG_RE =
  /^(?:ỦY BAN|UỶ BAN|UBND|HĐND|HỘI ĐỒNG|BỘ (?!TRƯỞNG)|SỞ |BAN |VĂN PHÒNG|TỈNH ỦY|TỈNH UỶ|THÀNH ỦY|THÀNH UỶ|HUYỆN ỦY|HUYỆN UỶ|THỊ ỦY|ĐẢNG ỦY|ĐẢNG UỶ|ĐẢNG BỘ|CHI BỘ|CỤC |TỔNG CỤC|CHÍNH PHỦ|THỦ TƯỚNG CHÍNH PHỦ|QUỐC HỘI|TRƯỜNG |BỆNH VIỆN|TRUNG TÂM|CÔNG AN|MẶT TRẬN|ĐOÀN |HỘI |LIÊN ĐOÀN|TÒA ÁN|TOÀ ÁN|VIỆN |KIỂM TOÁN|NGÂN HÀNG|BẢO HIỂM|TẬP ĐOÀN|TỔNG CÔNG TY|CÔNG TY|CHI CỤC|PHÒNG )/u;

// Sentences that open a body, never a subject.
const BODY_OPENER_RE =
  /^(?:Căn cứ|Thực hiện|Theo đề nghị|Theo|Xét|Ngày \d|Vào (?:hồi|lúc|ngày)|Hôm nay|Sáng|Chiều|Tối|Trong (?:thời gian|những|tuần|tháng|năm)|Hiện nay|Để |Sau khi|Thời gian qua|Tiếp theo|Tiếp tục|Nhận được|Vừa qua|Thi hành|Điều \d|Chương [IVXLC\d]|Phần [IVXLC\d]|Trân trọng|Kính đề nghị|Đồng kính gửi)/u;
const NUMBERED_RE = /^(?:\d{1,2}|[IVXLC]{1,5}|[a-zđ])\s*[.)/-]\s+\S/u;

function isBodyOpener(text: string): boolean {
  return BODY_OPENER_RE.test(text) || NUMBERED_RE.test(text);
}

function joinText(parts: string[]): string {
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

// --- kind from the code in the symbol ---------------------------------------------------------
const CODE_KINDS: Record<string, DocumentKind> = {
  NQ: 'nghi_quyet', NQLT: 'nghi_quyet', CT: 'chi_thi', KL: 'ket_luan', QC: 'quy_che', QDI: 'quy_dinh',
  QYD: 'quy_dinh', TB: 'thong_bao', HD: 'huong_dan', CTR: 'chuong_trinh', KH: 'ke_hoach', PA: 'phuong_an',
  DA: 'de_an', BC: 'bao_cao', BB: 'bien_ban', TTR: 'to_trinh', CD: 'cong_dien', CV: 'cong_van', GM: 'giay_moi',
  TTLT: 'thong_tu', ND: 'nghi_dinh', TC: 'khac', HDONG: 'khac', GGT: 'khac', GUQ: 'khac', GNP: 'khac',
  PG: 'khac', PC: 'khac', PB: 'khac', BGN: 'khac', BTT: 'khac', TTH: 'khac', DT: 'khac',
};

/** Kind from the ký hiệu when no type name is printed. QĐ: quyết định (state), quy định (party). */
export function kindFromSymbol(symbol: string, party: boolean): DocumentKind | null {
  if (/^QH\d*$/u.test(symbol)) return 'luat';
  const code = (party ? symbol.split('/')[0] : symbol.split('-')[0]) ?? '';
  const f = fold(code);
  if (f === 'QD') return party ? 'quy_dinh' : 'quyet_dinh';
  if (f === 'TT') return party ? 'thong_tri' : 'thong_tu';
  return CODE_KINDS[f] ?? null;
}

// --- subject ----------------------------------------------------------------------------------

const AUTHORITY_RE =
  /^(?:CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG|CHÁNH VĂN PHÒNG|CHÍNH PHỦ|QUỐC HỘI|BỘ CHÍNH TRỊ|BAN BÍ THƯ|BAN CHẤP HÀNH|ỦY BAN|UỶ BAN|HỘI ĐỒNG|BAN THƯỜNG VỤ|THƯỜNG TRỰC)\b/u;

/**
 * The enacting authority printed between the subject and "Căn cứ …" ("ỦY BAN NHÂN DÂN TỈNH …",
 * "HỘI ĐỒNG NHÂN DÂN TỈNH … / KHÓA X, KỲ HỌP THỨ 5"): the last capital lines before the
 * preamble, not part of the subject.
 */
function isAuthorityBlock(lines: Line[], from: number, end: number): boolean {
  const caps: string[] = [];
  for (let k = from; k < end && caps.length <= 3; k++) {
    const t = lines[k]?.text ?? '';
    if (t === '') continue;
    if (isAllCaps(t)) {
      caps.push(t);
      continue;
    }
    if (!/^[-–+]?\s*(?:Căn cứ|Xét|Theo đề nghị)/u.test(t)) return false;
    break;
  }
  const [first, second] = caps;
  if (first === undefined || caps.length > 2) return false;
  if (second === undefined) return true;
  if (/^(?:KHÓA|KHOÁ)\s+[IVXLC\d]+/u.test(second)) return true;
  return AUTHORITY_RE.test(first) && !AUTHORITY_RE.test(second);
}

function isHeaderLine(t: string): boolean {
  return (
    isKinhGui(t) || isDienLine(t) || isNoiNhan(t) || parseNumberLine(t) !== null || isStampNumber(t) ||
    parseStampMarks(t) !== null || mottoKind(t) !== null || isSeparator(t) ||
    (parseDateLine(t)?.place ?? null) !== null
  );
}

interface Collected {
  parts: string[];
  next: number;
  /** Signature titles met inside a list (two columns read across). */
  titles?: string[];
}

function collectSubject(
  lines: Line[], first: string, from: number, end: number, paragraphMode: boolean, stampLines: Set<number>,
): Collected {
  const parts = first !== '' ? [first] : [];
  let j = from;
  while (j < end) {
    const t = lines[j]?.text ?? '';
    if (t === '') {
      if (parts.length > 0) break;
      j++;
      continue;
    }
    if (stampLines.has(j) || isHeaderLine(t) || isListItem(t)) break;
    if (parts.length > 0 && isBodyOpener(t)) break;
    if (parts.length === 0 && (isBodyOpener(t) && !/^(?:Về|VỀ)\b/u.test(t))) break;
    // A long sentence or one announcing a list is the body, not a trích yếu.
    if (parts.length === 0 && (t.length > 350 || (t.length > 40 && /:$/u.test(t)))) break;
    const soFar = joinText(parts);
    // The authority line of a decision ("ỦY BAN NHÂN DÂN TỈNH …", "KHÓA X, KỲ HỌP THỨ 5" before "Căn cứ …").
    if (parts.length > 0 && isAllCaps(t) && (hasLower(soFar) || isAuthorityBlock(lines, j, end))) break;
    if (parts.length > 0 && !paragraphMode) {
      const ok = /^[\p{Ll}\d("“]/u.test(t) || (isAllCaps(t) && isAllCaps(soFar));
      if (!ok) break;
    }
    parts.push(t);
    j++;
    if (soFar.length > 600) break;
  }
  return { parts, next: j };
}

// --- recipients and lists ---------------------------------------------------------------------
function collectList(lines: Line[], i: number, end: number, firstText: string): Collected {
  const items: string[] = [];
  const titles: string[] = [];
  const first = firstText.trim();
  if (first !== '') items.push(listItemText(first));
  let j = i + 1;
  while (j < end) {
    const t = lines[j]?.text ?? '';
    if (isTitleLike(t) && j + 1 < end && isListItem(lines[j + 1]?.text ?? '')) {
      titles.push(t);
      j++;
      continue;
    }
    if (t === '') {
      let k = j + 1;
      while (k < end && (lines[k]?.text ?? '') === '') k++;
      const nt = lines[k]?.text ?? '';
      if (k < end && isListItem(nt)) {
        j = k;
        continue;
      }
      break;
    }
    if (isListItem(t)) {
      items.push(listItemText(t));
      j++;
      continue;
    }
    if (items.length === 0 && t.length <= 150 && !isProse(t) && !isHeaderLine(t) && !isBodyOpener(t)) {
      items.push(listItemText(t));
      j++;
      continue;
    }
    // A wrapped item: a continuation starting with a small letter.
    if (items.length > 0 && /^[\p{Ll}(]/u.test(t) && t.length <= 120) {
      items[items.length - 1] = `${items[items.length - 1]} ${t}`.replace(/[\s;,.]+$/u, '');
      j++;
      continue;
    }
    break;
  }
  return { parts: items.filter((s) => s !== ''), next: j, titles };
}

// --- references -------------------------------------------------------------------------------
const REF_RE =
  /(?<![\p{L}\d/.\-_])(\d{1,5})(?:\s?\/\s?(\d{4}))?(\s?[-/]\s?)(\p{Lu}[\p{L}\d]*(?:[-/][\p{L}\d]+)*)/gu;

/** Other documents cited by số/ký hiệu, in order of first appearance, without duplicates. */
export function findReferences(text: string, ownNumber: string | null): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  if (ownNumber) seen.add(ownNumber.replace(/\s+/g, ''));
  REF_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REF_RE.exec(text)) !== null) {
    const [, num, year, sepRaw, symRaw] = m;
    if (num === undefined || sepRaw === undefined || symRaw === undefined) continue;
    const sep = sepRaw.trim();
    const sym = symRaw.replace(/(?<=\p{Lu}{2})(?:ngày|của|về|năm|và)$/u, '');
    const upperCount = (sym.match(/\p{Lu}/gu) ?? []).length;
    if (year !== undefined) {
      if (sep !== '/' || upperCount < 2) continue;
    } else if (sep === '-') {
      // Party: "354-CV/TU" — a type code, a slash, the issuer.
      const [code] = sym.split('/');
      if (!sym.includes('/') || code === undefined || code.length > 6 || upperCount < 2) continue;
    } else {
      // State: "107/TB-UBND"; a bare issuer ("12/UBND") only right after "số".
      if (!sym.includes('-')) {
        const before = text.slice(Math.max(0, m.index - 6), m.index);
        if (!/số\s*:?\s*$/iu.test(before) || !isAllCaps(sym) || sym.length < 2) continue;
      }
      if (upperCount < 2) continue;
    }
    const ref = `${num}${year ? `/${year}` : ''}${sep}${sym}`;
    if (seen.has(ref)) continue;
    seen.add(ref);
    out.push(ref);
  }
  return out;
}

// --- the section ------------------------------------------------------------------------------
export function parseSection(lines: Line[], section: Section, stamps: StampBlock[]): SectionResult {
  const { start, end } = section;
  const stampLines = new Set<number>();
  const stampAt = new Map<number, StampBlock>();
  for (const s of stamps) {
    if (s.start >= start && s.start < end) stampAt.set(s.start, s);
    for (let k = s.start; k < s.end; k++) stampLines.add(k);
  }
  let blanks = 0;
  let filled = 0;
  for (let k = start; k < end; k++) {
    if ((lines[k]?.text ?? '') === '') blanks++;
    else filled++;
  }
  const paragraphMode = blanks >= filled * 0.4;

  const issuerLines: string[] = [];
  let issuerDone = false;
  let numberInfo: NumberInfo | null = null;
  let dateInfo: DateInfo | null = null;
  let kind: DocumentKind | null = null;
  let subject: string | null = null;
  let subjectFound = false;
  let urgency: Urgency | null = null;
  let secrecy: Secrecy | null = null;
  let recipients: string[] = [];
  let received: ReceivedStamp | null = null;
  let sawMotto = false;
  let sawVv = false;
  let sinceNumber = -1; // lines read since the number line, while only header lines came
  let bodyStart = end;

  let i = start;
  while (i < end && i < start + 120) {
    const t = lines[i]?.text ?? '';
    if (t === '') {
      i++;
      continue;
    }
    const stamp = stampAt.get(i);
    if (stamp) {
      received ??= stamp.received;
      i = stamp.end;
      continue;
    }
    if (stampLines.has(i)) {
      i++;
      continue;
    }
    const marks = parseStampMarks(t);
    if (marks) {
      urgency ??= marks.urgency;
      secrecy ??= marks.secrecy;
      i++;
      continue;
    }
    const motto = mottoKind(t);
    if (motto || isSeparator(t)) {
      if (motto === 'state' || motto === 'party') sawMotto = true;
      i++;
      continue;
    }
    const num = parseNumberLine(t);
    if (num) {
      if (!numberInfo) {
        numberInfo = num;
        sinceNumber = i;
      }
      issuerDone = true;
      i++;
      continue;
    }
    const date = parseDateLine(t);
    if (date && (date.place !== null || t.length <= 40)) {
      dateInfo ??= date;
      issuerDone = true;
      i++;
      continue;
    }
    const type: TypeLine | null = !subjectFound && kind === null ? parseTypeLine(t) : null;
    if (type) {
      kind = type.kind;
      issuerDone = true;
      const c = collectSubject(lines, type.rest, i + 1, end, paragraphMode, stampLines);
      subject = c.parts.length > 0 ? joinText(c.parts) : null;
      subjectFound = true;
      i = c.next;
      continue;
    }
    const vv = /^V\s*\/\s*[vV]\b\.?\s*:?\s*/u.exec(t);
    if (vv && !subjectFound) {
      sawVv = true;
      issuerDone = true;
      const c = collectSubject(lines, t.slice(vv[0].length), i + 1, end, paragraphMode, stampLines);
      subject = c.parts.length > 0 ? joinText(c.parts) : null;
      subjectFound = true;
      i = c.next;
      continue;
    }
    if (isKinhGui(t) || isDienLine(t)) {
      const first = isKinhGui(t) ? t.replace(/^\S+\s*\S+\s*[:.]?\s*/u, '') : t.slice(t.indexOf(':') + 1);
      const c = collectList(lines, i, end, first);
      if (recipients.length === 0) recipients = c.parts;
      issuerDone = true;
      i = c.next;
      continue;
    }
    if (isAllCaps(t)) {
      const issuerLine = t.length <= 150 && !isListItem(t);
      // An issuer read after the number (columns in another order) — only an organisation's name.
      const lateIssuer = issuerLines.length === 0 && !subjectFound && kind === null && ORG_RE.test(t);
      if (issuerLine && (!issuerDone || lateIssuer)) issuerLines.push(t);
      i++;
      continue;
    }
    if (isNoiNhan(t) || isTitleMarker(t)) {
      bodyStart = i;
      break;
    }
    // Mixed-case line. The trích yếu of a công văn may sit under the number without "V/v".
    if (!subjectFound && kind === null && numberInfo && sinceNumber >= 0 && !isBodyOpener(t) && t.length <= 250 && !/[:;]$/u.test(t)) {
      const c = collectSubject(lines, '', i, end, paragraphMode, stampLines);
      if (c.parts.length > 0) {
        subject = joinText(c.parts);
        subjectFound = true;
        i = c.next;
        continue;
      }
    }
    if (isProse(t) || isBodyOpener(t) || numberInfo || kind || dateInfo || t.length >= 25) {
      bodyStart = i;
      break;
    }
    i++;
  }
  if (bodyStart === end && i < end) bodyStart = i;

  // --- closing block: Nơi nhận, signer title and name -------------------------------------------
  let closingStart = -1;
  for (let k = bodyStart; k < end; k++) {
    const t = lines[k]?.text ?? '';
    if (isNoiNhan(t) || isTitleMarker(t)) {
      closingStart = k;
      break;
    }
    if (/\.\s*\/\s*\.\s*$/u.test(t)) {
      closingStart = k + 1;
      break;
    }
  }
  let copiesTo: string[] = [];
  let signer: string | null = null;
  let signerTitle: string | null = null;
  let sawNoiNhan = false;
  const scanSigner = (from: number): void => {
    let lastTitle: string | null = null;
    let k = from;
    while (k < end) {
      const t = lines[k]?.text ?? '';
      if (t === '' || stampLines.has(k)) {
        k++;
        continue;
      }
      if (isNoiNhan(t)) {
        const c = collectList(lines, k, end, t.replace(/^\S+\s*\S+\s*[:.]?\s*/u, ''));
        if (!sawNoiNhan) copiesTo = c.parts;
        sawNoiNhan = true;
        lastTitle = c.titles?.at(-1) ?? lastTitle;
        k = Math.max(c.next, k + 1);
        continue;
      }
      const plain = t.replace(/[.,;]+$/u, '');
      const name = signedByName(plain) ?? (isPersonName(plain) || (lastTitle !== null && isCapitalName(plain)) ? plain : null);
      if (name) {
        signer = name;
        signerTitle = lastTitle;
        return;
      }
      if (isAllCaps(t) && t.length <= 100 && !isListItem(t) && !isSignaturePlaceholder(t) && !parseStampMarks(t)) {
        lastTitle = t;
      }
      k++;
    }
  };
  if (closingStart >= 0) scanSigner(closingStart);
  else {
    // No closing block: accept a title line directly followed by a name near the end.
    let seen = 0;
    for (let k = end - 1; k > bodyStart && seen < 12; k--) {
      const last = (lines[k]?.text ?? '').replace(/[.,;]+$/u, '');
      if (last === '') continue;
      seen++;
      if (!isPersonName(last)) continue;
      let p = k - 1;
      while (p > bodyStart && ((lines[p]?.text ?? '') === '' || isSignaturePlaceholder(lines[p]?.text ?? ''))) p--;
      const prev = lines[p]?.text ?? '';
      if (isAllCaps(prev) && prev.length <= 100 && !isListItem(prev)) {
        signer = last;
        signerTitle = prev;
      }
      break;
    }
  }

  // --- references ---------------------------------------------------------------------------
  const textLines: string[] = [];
  for (let k = start; k < end; k++) if (!stampLines.has(k)) textLines.push(lines[k]?.text ?? '');
  const references = findReferences(textLines.join('\n'), numberInfo?.number ?? null);

  if (kind === null) {
    // No printed type name: "V/v" is the trích yếu of a công văn; else the code in the symbol.
    if (sawVv) kind = 'cong_van';
    else if (numberInfo) kind = kindFromSymbol(numberInfo.symbol, numberInfo.party) ?? 'cong_van';
    else kind = 'khac';
  }

  const features =
    (numberInfo ? 1 : 0) + (dateInfo ? 1 : 0) + (sawMotto ? 1 : 0) + (subjectFound ? 1 : 0) +
    (recipients.length > 0 ? 1 : 0) + (sawNoiNhan ? 1 : 0) + (signer ? 1 : 0) + (urgency ? 1 : 0) +
    (issuerLines.length > 0 ? 1 : 0);

  const document: ParsedDocument = {
    number: numberInfo?.number ?? null,
    symbol: numberInfo?.symbol ?? null,
    kind,
    issuer: issuerLines.length > 0 ? joinText(issuerLines) : null,
    place: dateInfo?.place ?? null,
    date: dateInfo?.date ?? null,
    urgency,
    subject,
    signer,
    signer_title: signerTitle,
    references,
    recipients,
    copies_to: copiesTo,
    received,
    secrecy,
  };
  return { document, bodyStart, bodyEnd: closingStart >= 0 ? closingStart : end, features };
}
