// Splitting normalised text into logical lines and recognising the kinds of line that make up
// the header and closing blocks of a Vietnamese official document. Everything here follows the
// layouts of Nghị định 30/2020/NĐ-CP (state) and Hướng dẫn 36-HD/VPTW (party).
import { fold } from './normalize.ts';
import type { DocumentKind, Secrecy, Urgency } from './types.ts';

export interface Line {
  /** Position in the line array. */
  index: number;
  /** Markdown stripped, whitespace collapsed, trimmed. Empty for a blank line. */
  text: string;
}

/** Folds each UTF-16 unit separately so that indexes in the folded string match the original. */
const FOLD_CACHE = new Map<string, string>();

export function foldSame(text: string): string {
  let out = '';
  for (const c of text) {
    let f = FOLD_CACHE.get(c);
    if (f === undefined) {
      const folded = fold(c);
      f = folded.length === c.length ? folded : c;
      FOLD_CACHE.set(c, f);
    }
    out += f;
  }
  return out;
}

/** Strips markdown emphasis and collapses whitespace. */
export function cleanText(s: string): string {
  return s
    .replace(/\*+/g, '')
    .replace(/(^|\s)_+(?=\S)|(?<=\S)_+(?=\s|$)/g, '$1')
    .replace(/^#{1,6}\s+/, '')
    .replace(/^>\s*/, '')
    .replace(/\\([-.*_#()[\]!+|>])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

// --- motto (quốc hiệu / tên Đảng) ------------------------------------------------------------
const MOTTO_PHRASES: ReadonlyArray<{ folded: RegExp; global: RegExp; kind: 'state' | 'party' | 'slogan' }> = [
  { folded: /CONG\s*HOA\s+XA\s+HOI\s+CHU\s+NGHIA\s+VIET\s+NAM/, kind: 'state' as const },
  { folded: /DANG\s+CONG\s+SAN\s+VIET\s+NAM/, kind: 'party' as const },
  { folded: /DOC\s+LAP\s*[-–—]*\s*TU\s+DO\s*[-–—]*\s*HANH\s+PHUC/, kind: 'slogan' as const },
].map((p) => ({ ...p, global: new RegExp(p.folded.source, 'g') }));

export function mottoKind(text: string): 'state' | 'party' | 'slogan' | null {
  if (text.length > 80) return null;
  const f = foldSame(text).replace(/[^A-Z0-9\s–—-]/g, ' ').replace(/\s+/g, ' ').trim();
  for (const p of MOTTO_PHRASES) {
    const m = p.folded.exec(f);
    if (m && m.index === 0 && f.length - m[0].length <= 2) return p.kind;
  }
  // OCR-damaged mottos: enough of the phrase on a short capital line.
  if (f.length <= 45 && isAllCaps(text)) {
    if (/XA\s*HOI\s*CHU\s*NGH/.test(f) || /^CONG\s*HOA\b.*\bVIET\s*NAM$/.test(f)) return 'state';
    if (/CONG\s*SAN\s*VIET\s*NAM$/.test(f)) return 'party';
  }
  if (f.length <= 40 && /^DOC\s*LAP\b.*\bHANH\s*PHUC$/.test(f)) return 'slogan';
  return null;
}

/** Splits "VĂN PHÒNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" before the motto. */
function splitAtMotto(segment: string): string[] {
  if (!/NAM|PH[UÚ]C/iu.test(segment)) return [segment];
  const f = foldSame(segment);
  for (const p of MOTTO_PHRASES) {
    const re = p.global;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(f)) !== null) {
      const start = m.index;
      const end = start + m[0].length;
      const before = segment.slice(0, start);
      const after = segment.slice(end);
      const beforeClean = cleanText(before);
      const afterClean = cleanText(after);
      if (beforeClean === '' && afterClean === '') continue;
      // "ĐẢNG CỘNG SẢN VIỆT NAM" inside a sentence is not a motto: only split header rows.
      if (beforeClean !== '' && !isAllCaps(beforeClean)) continue;
      const parts: string[] = [];
      if (beforeClean !== '') parts.push(before);
      parts.push(segment.slice(start, end));
      if (afterClean !== '') parts.push(...splitAtMotto(after));
      return parts;
    }
  }
  return [segment];
}

const NUMBER_IN_ROW_RE = /^(.*?\S)\s+(Số\s*[:.]?\s*(?:\d|[.…_ ]*[/-]).*)$/u;

// "TỈNH ỦY X Bình Phước, ngày …": an issuer and the place/date read as one row.
const CAPS_THEN_DATE_RE = /^(.*?\p{Lu}{2,}[^\p{Ll}]*?)\s+(\p{Lu}[\p{Ll}.][^,]{0,40},\s*ngày\b.*)$/u;
// "PHÓ CHỦ TỊCH Nguyễn Văn A": a title and the name read as one row.
const TITLE_THEN_NAME_RE = /^([^\p{Ll}]+?)\s+(\p{Lu}\p{Ll}+(?:\s+\p{Lu}[\p{Ll}'’]*){1,5})$/u;

function splitRow(p: string): string[] {
  if (p.length > 160) return [p];
  const c = cleanText(p);
  const d = /ngày/iu.test(c) ? CAPS_THEN_DATE_RE.exec(c) : null;
  if (d && d[1] !== undefined && d[2] !== undefined && isAllCaps(d[1]) && !parseNumberLine(c)) return [d[1], d[2]];
  const n = c.length <= 80 ? TITLE_THEN_NAME_RE.exec(c) : null;
  if (n && n[1] !== undefined && n[2] !== undefined && isTitleLike(n[1]) && isPersonName(n[2])) return [n[1], n[2]];
  return [p];
}

function splitSegment(segment: string): string[] {
  const out: string[] = [];
  // Bold markers glued between two words mark a lost line break ("CÔNG ĐIỆN**Về việc…").
  for (const part of segment.split(/(?<=\S)\*{2,}(?=\S)/u)) {
    for (const p of splitAtMotto(part)) {
      // An issuer and the number printed on one row: "TỈNH ỦY X Số 12-CV/TU".
      const m = p.includes('Số') ? NUMBER_IN_ROW_RE.exec(p) : null;
      if (m && m[1] !== undefined && m[2] !== undefined && isAllCaps(cleanText(m[1])) && parseNumberLine(cleanText(m[2]))) {
        out.push(m[1], m[2]);
      } else out.push(...splitRow(p));
    }
  }
  return out;
}

/** "- Như trên; PHÓ CHỦ TỊCH" → ["- Như trên;", "PHÓ CHỦ TỊCH"] (two columns read across). */
function splitTrailingTitle(t: string): [string, string] | null {
  if (t.length > 200 || !/\p{Lu}$/u.test(t) || !hasLower(t)) return null;
  for (let i = 1; i < t.length - 2; i++) {
    if (!/[;:,.]/.test(t[i - 1] ?? '') || t[i] !== ' ') continue;
    const head = t.slice(0, i);
    const tail = t.slice(i + 1).trim();
    if (hasLower(head) && isTitleLike(tail)) return [head, tail];
  }
  return null;
}

/** Splits normalised text into logical lines: table cells (tabs, markdown pipes) become lines. */
export function toLines(text: string): Line[] {
  const BR = /<br\s*\/?>/gi;
  const segments: string[] = [];
  for (const raw of text.split('\n')) {
    let cells: string[];
    if (/^\s*\|.*\|\s*$/.test(raw)) {
      if (/^\s*\|[\s:|-]*\|\s*$/.test(raw)) continue; // markdown table rule
      // A markdown table row: each cell in turn, "<br>" as line breaks inside a cell.
      cells = raw.trim().slice(1, -1).split('|').flatMap((c) => c.split(BR));
    } else cells = raw.split(BR);
    if (cells.every((c) => c.trim() === '')) {
      segments.push('');
      continue;
    }
    for (const cell of cells) {
      // Empty cells of a tab-separated row are not blank lines.
      for (const t of cell.split('\t')) if (t.trim() !== '') segments.push(...splitSegment(t));
    }
  }
  const lines: Line[] = [];
  for (let si = 0; si < segments.length; si++) {
    let t = cleanText(segments[si] ?? '');
    // "Số:" alone, the number on the next line.
    if (/^(?:Số|SỐ)\s*:?$/u.test(t)) {
      let k = si + 1;
      while (k < segments.length && cleanText(segments[k] ?? '') === '' && k - si < 3) k++;
      const next = cleanText(segments[k] ?? '');
      if (parseNumberLine(`Số: ${next}`)) {
        t = `Số: ${next}`;
        si = k;
      }
    }
    // Two columns read across (PDF text layer): "- Như trên; PHÓ CHỦ TỊCH", "Nơi nhận: KT. CHỦ TỊCH".
    const cols = splitTrailingTitle(t);
    if (cols) {
      lines.push({ index: lines.length, text: cols[0] });
      lines.push({ index: lines.length, text: cols[1] });
      continue;
    }
    // A number row split off its date line, etc.
    const num = parseNumberLine(t);
    if (num && num.rest !== '') {
      lines.push({ index: lines.length, text: num.head });
      lines.push({ index: lines.length, text: num.rest });
      continue;
    }
    lines.push({ index: lines.length, text: t });
  }
  return lines;
}

// --- character classes ------------------------------------------------------------------------
export function hasLower(s: string): boolean {
  return /\p{Ll}/u.test(s);
}

/** True when the text has at least two letters and none of them is small. */
export function isAllCaps(s: string): boolean {
  const letters = s.match(/\p{L}/gu);
  if (!letters || letters.length < 2) return false;
  return !hasLower(s);
}

export function isSeparator(s: string): boolean {
  return /^[-_=~.–—*•]{2,}$/u.test(s.replace(/\s+/g, ''));
}

// --- number line ("Số: 107/TB-UBND", "Số 354-CV/TU") ----------------------------------------------
const SYM_PART = '[\\p{L}\\d&]+';
const SYMBOL_RE = `\\p{Lu}[\\p{L}\\d&]*(?:\\s*[-/]\\s*${SYM_PART})*`;
const BLANK_NUM = '[.…_ ]*';
const STATE_NUM_RE = new RegExp(
  `^(?<n>\\d[\\d.]*)?${BLANK_NUM}(?:/\\s*(?<y>\\d{4})\\s*)?/\\s*(?<sym>${SYMBOL_RE})`,
  'u',
);
const PARTY_NUM_RE = new RegExp(`^(?<n>\\d[\\d.]*)?${BLANK_NUM}-\\s*(?<sym>${SYMBOL_RE})`, 'u');

export interface NumberInfo {
  number: string | null;
  symbol: string;
  party: boolean;
  /** The "Số …" part of the line. */
  head: string;
  /** Whatever follows the symbol on the same line (e.g. the place and date). */
  rest: string;
}

function tidySymbol(sym: string): string {
  // OCR glues the next word on: "QĐ-UBNDngày".
  return sym.replace(/\s+/g, '').replace(/[-/.&]+$/, '').replace(/(?<=\p{Lu}{2})(?:ngày|của|về|năm|và)$/u, '');
}

/** Parses a number line. Returns null unless a ký hiệu (symbol) is present. */
export function parseNumberLine(text: string): NumberInfo | null {
  const m = /^(?:(?:Luật|Bộ luật|Nghị quyết|Pháp lệnh|Lệnh)\s+số|Số|SỐ|S[ôồổóòõọoO0-9]|Sô)\s*(?:[:.]\s*|\s+|(?=\d))(.*)$/u.exec(text);
  if (!m || m[1] === undefined) return null;
  const body = m[1];
  const prefixLen = text.length - body.length;
  for (const [re, party] of [[PARTY_NUM_RE, true], [STATE_NUM_RE, false]] as const) {
    const r = re.exec(body);
    if (!r || !r.groups) continue;
    const sym = tidySymbol(r.groups.sym ?? '');
    if (!/\p{Lu}/u.test(sym)) continue;
    // Party symbols are "TYPE/ISSUER"; state ones "TYPE-ISSUER" (or a bare issuer for công văn).
    if (party && !sym.includes('/')) continue;
    const n = r.groups.n?.replace(/\.+$/, '');
    const y = r.groups.y;
    const number = n ? `${n}${y ? `/${y}` : ''}${party ? '-' : '/'}${sym}` : null;
    const head = text.slice(0, prefixLen + r[0].length).trim();
    const rest = text.slice(prefixLen + r[0].length).replace(/^[\s,;.]+/, '').trim();
    return { number, symbol: sym, party, head, rest };
  }
  return null;
}

// --- place and date line ----------------------------------------------------------------------
const DATE_RE = /(?:^|[\s,])NGAY\s*(?<d>\d{1,2})?[\s.…_]*THANG\s*(?<m>\d{1,2})?[\s.…_]*NAM\s*(?<y>\d{4})?/u;

export interface DateInfo {
  place: string | null;
  date: string | null;
}

export function isoDate(d: number, m: number, y: number): string | null {
  if (!(d >= 1 && d <= 31 && m >= 1 && m <= 12 && y >= 1900 && y <= 2200)) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "Hà Nội, ngày 01 tháng 5 năm 2021" → place and ISO date (null when a part is blank). */
export function parseDateLine(text: string): DateInfo | null {
  if (text.length > 160 || !/th/i.test(text)) return null;
  // Matched on the folded text so that OCR tone errors ("ngảy", "thảng", "nãm") still read.
  const m = DATE_RE.exec(foldSame(text));
  if (!m || !m.groups) return null;
  const before = text.slice(0, m.index + (m[0].startsWith('N') ? 0 : 1));
  const placeRaw = before.replace(/[\s,]+$/, '').trim();
  let place: string | null = null;
  if (placeRaw !== '') {
    // The địa danh is a short capitalised name; a sentence before "ngày" is not a date line.
    if (placeRaw.length > 45 || !/^\p{Lu}/u.test(placeRaw) || /[;:!?]/.test(placeRaw)) return null;
    const words = placeRaw.split(/\s+/);
    if (words.length > 7) return null;
    place = placeRaw;
  } else {
    // Without a place the line must be the date alone.
    if (text.replace(m[0], '').trim().length > 3) return null;
  }
  const after = text.slice(m.index + m[0].length).trim();
  if (after.length > 3 && /\p{L}{2,}/u.test(after)) return null;
  const { d, m: mo, y } = m.groups;
  const date = d && mo && y ? isoDate(Number(d), Number(mo), Number(y)) : null;
  return { place, date };
}

// --- urgency and secrecy stamps ---------------------------------------------------------------
export interface StampMarks {
  urgency: Urgency | null;
  secrecy: Secrecy | null;
}

/**
 * Recognises a line that holds only urgency/secrecy marks ("HỎA TỐC", OCR "HÒA TỐC", "THƯỢNG
 * KHẨN", "KHẨN", "MẬT", "TỐI MẬT", "TUYỆT MẬT", "HỎA TỐC HẸN GIỜ"). Words inside a sentence
 * ("khẩn trương", "KHẨN CẤP") are not marks.
 */
export function parseStampMarks(text: string): StampMarks | null {
  if (text.length > 40) return null;
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters === '') return null;
  const upper = !hasLower(text);
  let f = ` ${fold(text).replace(/[^A-Z]+/g, ' ').trim()} `;
  let urgency: Urgency | null = null;
  let secrecy: Secrecy | null = null;
  const take = (re: RegExp): boolean => {
    if (!re.test(f)) return false;
    f = f.replace(re, ' ');
    return true;
  };
  if (take(/ HOA ?TOC( HEN GIO)? /)) urgency = 'hoa_toc';
  else if (take(/ THUONG ?KHAN /)) urgency = 'thuong_khan';
  else if (take(/ KHAN /)) urgency = 'khan';
  // Secrecy marks are printed in capitals; "mật" in running text is not one.
  if (upper || urgency) {
    if (take(/ TUYET MAT /)) secrecy = 'tuyet_mat';
    else if (take(/ TOI MAT /)) secrecy = 'toi_mat';
    else if (upper && take(/ MAT /)) secrecy = 'mat';
  }
  if (f.trim() !== '') return null;
  if (!urgency && !secrecy) return null;
  // A lone small-letter word ("Khẩn") is accepted only when short: the stamp itself.
  if (!upper && !/^\p{Lu}/u.test(text.trim())) return null;
  return { urgency, secrecy };
}

// --- type name (tên loại văn bản) -------------------------------------------------------------
const TYPE_NAMES: ReadonlyArray<readonly [string, DocumentKind]> = [
  ['NGHI QUYET', 'nghi_quyet'],
  ['QUYET DINH', 'quyet_dinh'],
  ['CHI THI', 'chi_thi'],
  ['KET LUAN', 'ket_luan'],
  ['QUY CHE', 'quy_che'],
  ['QUY DINH', 'quy_dinh'],
  ['THONG BAO', 'thong_bao'],
  ['HUONG DAN', 'huong_dan'],
  ['CHUONG TRINH', 'chuong_trinh'],
  ['KE HOACH', 'ke_hoach'],
  ['PHUONG AN', 'phuong_an'],
  ['DE AN', 'de_an'],
  ['BAO CAO', 'bao_cao'],
  ['BIEN BAN', 'bien_ban'],
  ['TO TRINH', 'to_trinh'],
  ['CONG DIEN', 'cong_dien'],
  ['DIEN', 'cong_dien'],
  ['CONG VAN', 'cong_van'],
  ['GIAY MOI', 'giay_moi'],
  ['THONG TRI', 'thong_tri'],
  ['THONG TU', 'thong_tu'],
  ['NGHI DINH', 'nghi_dinh'],
  ['BO LUAT', 'luat'],
  ['LUAT', 'luat'],
  ['THONG CAO', 'khac'],
  ['HOP DONG', 'khac'],
  ['BAN GHI NHO', 'khac'],
  ['BAN THOA THUAN', 'khac'],
  ['GIAY UY QUYEN', 'khac'],
  ['GIAY GIOI THIEU', 'khac'],
  ['GIAY NGHI PHEP', 'khac'],
  ['PHIEU GUI', 'khac'],
  ['PHIEU CHUYEN', 'khac'],
  ['PHIEU BAO', 'khac'],
  ['THU CONG', 'khac'],
  ['PHAP LENH', 'khac'],
  ['LENH', 'khac'],
  ['DIEU LE', 'khac'],
  ['LOI KEU GOI', 'khac'],
];

export interface TypeLine {
  kind: DocumentKind;
  /** Text printed after the type name on the same line (the start of the subject), or ''. */
  rest: string;
}

/** Recognises the printed type name at the start of a line: "THÔNG BÁO", "QUYẾT ĐỊNH Về việc…". */
const TYPE_RES = TYPE_NAMES.map(([name, kind]) => ({
  name,
  kind,
  re: new RegExp(`^${name.split(' ').join('\\s+')}(?![A-Z0-9])`),
}));

export function parseTypeLine(text: string): TypeLine | null {
  if (text.length > 400 || text.length < 3 || hasLower(text.slice(0, 3))) return null;
  const f = foldSame(text.slice(0, 24));
  for (const { name, kind, re } of TYPE_RES) {
    const m = re.exec(f);
    if (!m) continue;
    const printed = text.slice(0, m[0].length);
    if (hasLower(printed)) return null; // the type name is printed in capitals
    const rest = text.slice(m[0].length).trim();
    if (rest.startsWith(':') || rest.startsWith('.')) return null; // "QUYẾT ĐỊNH:" opens the articles
    if (rest !== '') {
      // Only a subject may follow: "THÔNG BÁO KẾT LUẬN …", "QUYẾT ĐỊNH Về việc …".
      if (/^(SỐ|số|Số)\b/u.test(rest)) return null;
      if (/^[,;)]/.test(rest)) return null;
      if (!/^[\p{L}("“]/u.test(rest)) return null;
      // A capital word glued on ("ĐIỆN" of "ĐIỆN BIÊN") is not a type name unless the whole line is capitals.
      if (name === 'DIEN' || name === 'LENH' || name === 'LUAT') return null;
      if (hasLower(rest) && /[.;]\s*$/.test(rest) && rest.length > 120) return null;
    }
    return { kind, rest };
  }
  return null;
}

// --- signer block -----------------------------------------------------------------------------
const TITLE_START_RE = new RegExp(
  '^(?:' +
    [
      'T\\s*/\\s*M\\b', 'K\\s*/\\s*T\\b', 'T\\s*/\\s*L\\b', 'TM\\s*\\.', 'KT\\s*\\.', 'TL\\s*\\.', 'TUQ\\s*\\.', 'Q\\s*\\.',
      'PHÓ ', 'THỨ TRƯỞNG', 'BỘ TRƯỞNG', 'CHỦ TỊCH(?! NƯỚC)', 'GIÁM ĐỐC', 'TỔNG GIÁM ĐỐC', 'CHÁNH ', 'TRƯỞNG ',
      'BÍ THƯ', 'TỔNG BÍ THƯ', 'CHỦ NHIỆM', 'CỤC TRƯỞNG', 'VỤ TRƯỞNG', 'HIỆU TRƯỞNG', 'THỦ TRƯỞNG',
      'VIỆN TRƯỞNG', 'TỔNG CỤC TRƯỞNG', 'ỦY VIÊN', 'UỶ VIÊN', 'THƯ KÝ', 'TỔNG THƯ KÝ', 'THỦ TƯỚNG(?! CHÍNH PHỦ)',
      'TƯ LỆNH', 'CHÍNH ỦY', 'CHÍNH UỶ', 'KẾ TOÁN', 'NGƯỜI ', 'TRƯỞNG$', 'CHỦ TỊCH$',
    ].join('|') +
    ')',
  'u',
);

/** A title line of the signature block: "KT. CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG", "T/M BAN THƯỜNG VỤ". */
export function isTitleLike(text: string): boolean {
  return isAllCaps(text) && TITLE_START_RE.test(text);
}

const NAME_WORD = "\\p{Lu}[\\p{Ll}'’]*";
const RANK_RE =
  /^(?:(?:Thiếu|Trung|Thượng|Đại) (?:tướng|tá|úy|uý)|Chuẩn đô đốc|Phó Đô đốc|Đô đốc|(?:GS|PGS|TS|ThS|BS|KTS|LS)\.?(?:\s*(?:TS|BS|CKII|CKI)\.?)*)\s+/u;
const NAME_RE = new RegExp(`^${NAME_WORD}(?:[ -]${NAME_WORD}){1,5}$`, 'u');

/** True for a person's name as printed under a signature: "Nguyễn Văn A", "Vũ Thị Thu Hương". */
export function isPersonName(text: string): boolean {
  if (text.length > 45 || text.length < 4) return false;
  const t = text.replace(RANK_RE, '');
  if (!NAME_RE.test(t)) return false;
  if (isAllCaps(t)) return false;
  return true;
}

// Common Vietnamese family names: a name printed in capitals is accepted only after one of them.
const SURNAMES = new Set(
  ('NGUYỄN TRẦN LÊ PHẠM HOÀNG HUỲNH PHAN VŨ VÕ ĐẶNG BÙI ĐỖ HỒ NGÔ DƯƠNG LÝ ĐINH ĐÀO LƯƠNG TRỊNH LÂM MAI ' +
    'TRƯƠNG HÀ TẠ ĐOÀN CAO CHU LƯU TÔ THÁI TRIỆU KIỀU QUÁCH VƯƠNG LẠI NÔNG LÒ TĂNG HỨA THÂN PHÙNG LA KHÚC ' +
    'GIANG ĐÀM TỐNG CHÂU TỪ LÃ MẠC ÂU DOÃN ĐỒNG DIỆP BẠCH NINH KIM TRÌNH HẦU CHẾ KHỔNG MÔNG QUAN LỤC ' +
    'ĐIỂU PHÍ TIÊU ÔNG VI HOA CÙ NGHIÊM VIÊN LỘC MÃ THÂN TÔN HOÀNG PHÓ').split(' '),
);

/** A name printed in capitals under a signature: "NGUYỄN VĂN AN" (surname first, no title word). */
export function isCapitalName(text: string): boolean {
  if (text.length > 40 || !isAllCaps(text) || /[\d.:,;/()]/.test(text)) return false;
  const words = text.split(/\s+/);
  if (words.length < 2 || words.length > 5) return false;
  return SURNAMES.has(words[0] ?? '') && !TITLE_START_RE.test(text);
}

/** The name from a digital-signature line: "Người ký: Nguyễn Văn A". */
export function signedByName(text: string): string | null {
  const m = /^(?:Người ký|Ký bởi|Được ký bởi)\s*:\s*(.+)$/iu.exec(text);
  if (!m || m[1] === undefined) return null;
  const name = m[1].trim();
  return isPersonName(name) ? name : null;
}

/** Lines printed where a signature goes: "[Handwritten Signature]", "(Đã ký)", "(ký, đóng dấu)". */
export function isSignaturePlaceholder(text: string): boolean {
  return /^[[(].{0,60}[\])]$/u.test(text) || /^(?:đã ký|signed|chữ ký|\(?ký\)?)$/iu.test(text);
}

// --- recipients ("Kính gửi:") and closing list ("Nơi nhận:") ------------------------------------
export function isKinhGui(text: string): boolean {
  if (!/^k/i.test(text)) return false;
  return /^KINH\s*G[UO]I\b/u.test(foldSame(text.slice(0, 12)));
}

/** "BỘ Y TẾ ĐIỆN:" — the addressee line of a công điện. */
export function isDienLine(text: string): boolean {
  return /^[\p{Lu}\d\s,.-]{2,80}\sĐIỆN\s*:/u.test(text) || /^[\p{Lu}\s]{2,60}\sđiện\s*:/u.test(text);
}

export function isNoiNhan(text: string): boolean {
  if (!/^n/i.test(text)) return false;
  return /^NOI\s*NHAN\b/u.test(foldSame(text.slice(0, 12)));
}

export function isListItem(text: string): boolean {
  return /^[-–—+•·]\s*\S/u.test(text);
}

export function listItemText(text: string): string {
  return text.replace(/^[-–—+•·]\s*/u, '').replace(/[\s;,.]+$/u, '').trim();
}

// --- incoming stamp ("ĐẾN") -------------------------------------------------------------------
export function isStampNumber(text: string): boolean {
  return /^(?:ĐẾN\s+)?Số\s*(?:đến\s*)?[:.]?\s*\d+\s*(?:ĐẾN)?$/u.test(text);
}

export function isStampDate(text: string): boolean {
  return /^Ngày\s*(?:đến\s*)?[:.]?\s*\d{1,2}\s*[/.-]\s*\d{1,2}/iu.test(text);
}

export function isStampField(text: string): boolean {
  return (
    /^(?:Ngày|Giờ|Chuyển|Chuyên|Chuyến|Chuyễn|Số và ký hiệu|Lưu hồ sơ|Người nhận)\b.*$/iu.test(text) && text.length < 60
  ) || text === 'ĐẾN' || text === 'ĐÉN' || text === 'DEN';
}
