// Text normalisation for Vietnamese official documents: Unicode NFC, line endings, odd spaces,
// and conversion of the two legacy 8-bit font encodings still found in older Word files:
// TCVN3 (ABC, fonts .VnTime/.VnTimeH) and VNI (VNI-Times). Both arrive as Latin-1 look-alike
// characters once the file is read as Unicode, so they are detected heuristically.

export type TextEncodingGuess = 'unicode' | 'tcvn3' | 'vni';

// --- TCVN3 (ABC) ------------------------------------------------------------------------------
// Lower-case letters and the seven upper-case base letters. In the ABC scheme the capital toned
// vowels are the lower-case codes drawn by a capital font (.VnTimeH), so case is recovered from
// the surrounding letters (see fixTcvn3Case).
const TCVN3_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['¸', 'á'], ['µ', 'à'], ['¶', 'ả'], ['·', 'ã'], ['¹', 'ạ'],
  ['¨', 'ă'], ['¾', 'ắ'], ['»', 'ằ'], ['¼', 'ẳ'], ['½', 'ẵ'], ['Æ', 'ặ'],
  ['©', 'â'], ['Ê', 'ấ'], ['Ç', 'ầ'], ['È', 'ẩ'], ['É', 'ẫ'], ['Ë', 'ậ'],
  ['®', 'đ'],
  ['Ð', 'é'], ['Ì', 'è'], ['Î', 'ẻ'], ['Ï', 'ẽ'], ['Ñ', 'ẹ'],
  ['ª', 'ê'], ['Õ', 'ế'], ['Ò', 'ề'], ['Ó', 'ể'], ['Ô', 'ễ'], ['Ö', 'ệ'],
  ['Ý', 'í'], ['×', 'ì'], ['Ø', 'ỉ'], ['Ü', 'ĩ'], ['Þ', 'ị'],
  ['ã', 'ó'], ['ß', 'ò'], ['á', 'ỏ'], ['â', 'õ'], ['ä', 'ọ'],
  ['«', 'ô'], ['è', 'ố'], ['å', 'ồ'], ['æ', 'ổ'], ['ç', 'ỗ'], ['é', 'ộ'],
  ['¬', 'ơ'], ['í', 'ớ'], ['ê', 'ờ'], ['ë', 'ở'], ['ì', 'ỡ'], ['î', 'ợ'],
  ['ó', 'ú'], ['ï', 'ù'], ['ñ', 'ủ'], ['ò', 'ũ'], ['ô', 'ụ'],
  ['\u00AD', 'ư'], ['ø', 'ứ'], ['õ', 'ừ'], ['ö', 'ử'], ['÷', 'ữ'], ['ù', 'ự'],
  ['ý', 'ý'], ['ú', 'ỳ'], ['û', 'ỷ'], ['ü', 'ỹ'], ['þ', 'ỵ'],
  ['¡', 'Ă'], ['¢', 'Â'], ['£', 'Ê'], ['¤', 'Ô'], ['¥', 'Ơ'], ['¦', 'Ư'], ['§', 'Đ'],
];
const TCVN3_MAP: ReadonlyMap<string, string> = new Map(TCVN3_PAIRS);
const TCVN3_CHAR_RE = new RegExp(`[${TCVN3_PAIRS.map(([k]) => k).join('')}]`, 'g');
// Characters of the A1–BE block: they are the bulk of any TCVN3 text and never occur in VNI.
const TCVN3_SIGNAL_RE = /[\u00A1-\u00BE]/g;

// --- VNI ------------------------------------------------------------------------------------
// A base vowel followed by a mark character, plus a few single characters.
const VNI_TONES: Record<string, number> = { 'ù': 1, 'ø': 2, 'û': 3, 'õ': 4, 'ï': 5 }; // sắc huyền hỏi ngã nặng
const VNI_HAT: Record<string, number> = { 'â': 0, 'á': 1, 'à': 2, 'å': 3, 'ã': 4, 'ä': 5 }; // ^ + tone
const VNI_BREVE: Record<string, number> = { 'ê': 0, 'é': 1, 'è': 2, 'ú': 3, 'ü': 4, 'ë': 5 }; // ˘ + tone
// Each row: the unmarked letter then its five toned forms (sắc, huyền, hỏi, ngã, nặng).
const ROWS: Record<string, string> = {
  a: 'aáàảãạ', 'ă': 'ăắằẳẵặ', 'â': 'âấầẩẫậ', e: 'eéèẻẽẹ', 'ê': 'êếềểễệ', i: 'iíìỉĩị',
  o: 'oóòỏõọ', 'ô': 'ôốồổỗộ', 'ơ': 'ơớờởỡợ', u: 'uúùủũụ', 'ư': 'ưứừửữự', y: 'yýỳỷỹỵ',
};
const VNI_SINGLES: Record<string, string> = {
  'í': 'í', 'ì': 'ì', 'æ': 'ỉ', 'ó': 'ĩ', 'ò': 'ị', 'ô': 'ơ', 'ö': 'ư', 'ñ': 'đ', 'î': 'ỵ',
};
const VNI_MARKS = 'ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË';
const VNI_SINGLE_CHARS = 'íìæóòôöñîÍÌÆÓÒÔÖÑÎ';
const VNI_RE = new RegExp(
  `([aeouyAEOUY])([${VNI_MARKS}])|([ôöÔÖ])([ùøûõïÙØÛÕÏ])|([${VNI_SINGLE_CHARS}])`,
  'g',
);
const VNI_SIGNAL_RE = /[aeouyAEOUY][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]|[ôöÔÖ][ùøûõïÙØÛÕÏ]/g;

// Letters that exist only in Unicode Vietnamese (never in the Latin-1 legacy encodings).
const VIET_UNICODE_RE = /[ăĂđĐĩĨũŨơƠưƯ\u1EA0-\u1EF9]/g;

function count(text: string, re: RegExp): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

/** Guesses whether the text is Unicode or one of the legacy encodings (TCVN3, VNI). */
export function detectLegacyEncoding(text: string): TextEncodingGuess {
  const viet = count(text, VIET_UNICODE_RE);
  const tcvn = count(text, TCVN3_SIGNAL_RE);
  const vni = count(text, VNI_SIGNAL_RE);
  const best = Math.max(tcvn, vni);
  if (best < 3 || viet * 10 >= best) return 'unicode';
  return tcvn >= vni ? 'tcvn3' : 'vni';
}

function vniCombine(base: string, mark: string): string | undefined {
  const upper = base !== base.toLowerCase();
  const b = base.toLowerCase();
  const m = mark.toLowerCase();
  let row: string | undefined;
  let tone = 0;
  if (m in VNI_TONES) {
    row = ROWS[b === 'ô' ? 'ơ' : b === 'ö' ? 'ư' : b];
    tone = VNI_TONES[m] ?? 0;
  } else if (m in VNI_HAT && (b === 'a' || b === 'e' || b === 'o')) {
    row = ROWS[b === 'a' ? 'â' : b === 'e' ? 'ê' : 'ô'];
    tone = VNI_HAT[m] ?? 0;
  } else if (m in VNI_BREVE && b === 'a') {
    row = ROWS['ă'];
    tone = VNI_BREVE[m] ?? 0;
  }
  const ch = row?.[tone];
  if (ch === undefined) return undefined;
  return upper ? ch.toUpperCase() : ch;
}

/** Converts VNI-encoded text (e.g. "Coâng vaên") to Unicode ("Công văn"). */
export function convertVni(text: string): string {
  return text.replace(VNI_RE, (all, b1?: string, m1?: string, b2?: string, m2?: string, single?: string) => {
    if (b1 !== undefined && m1 !== undefined) return vniCombine(b1, m1) ?? all;
    if (b2 !== undefined && m2 !== undefined) return vniCombine(b2, m2) ?? all;
    if (single !== undefined) {
      const lower = single.toLowerCase();
      const out = VNI_SINGLES[lower];
      if (out === undefined) return all;
      return single === lower ? out : out.toUpperCase();
    }
    return all;
  });
}

// The seven codes that are capitals in every ABC font; all other codes are small letters, drawn
// as capitals only by the capital fonts (.VnTimeH …).
const TCVN3_CAPITALS = new Set(['¡', '¢', '£', '¤', '¥', '¦', '§']);

function capitalFontWord(word: string): boolean {
  const ascii = word.match(/[A-Za-z]/g) ?? [];
  const up = ascii.filter((c) => c >= 'A' && c <= 'Z').length;
  if (up < 2 || up !== ascii.length) return false;
  for (const c of word) if (TCVN3_MAP.has(c) && !TCVN3_CAPITALS.has(c)) return true;
  return false;
}

function fixTcvn3Case(original: string): string {
  const words = original.split(/(\s+)/);
  // A line typed in a capital font has capital-font words ("CéNG", "TØNH") and no small ASCII letter.
  const capsLine = !/[a-z]/.test(original) && words.some(capitalFontWord);
  return words
    .map((w) => {
      const converted = w.replace(TCVN3_CHAR_RE, (c) => TCVN3_MAP.get(c) ?? c);
      return capsLine || capitalFontWord(w) ? converted.toUpperCase() : converted;
    })
    .join('');
}

/** Converts TCVN3 (ABC) text to Unicode. Lines already holding Unicode Vietnamese are kept. */
export function convertTcvn3(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      VIET_UNICODE_RE.lastIndex = 0;
      if (VIET_UNICODE_RE.test(line)) return line;
      TCVN3_CHAR_RE.lastIndex = 0;
      return TCVN3_CHAR_RE.test(line) ? fixTcvn3Case(line) : line;
    })
    .join('\n');
}

/**
 * Normalises raw document text: BOM, line endings, non-breaking and zero-width spaces, legacy
 * encodings, then Unicode NFC.
 */
export function normalizeText(raw: string): string {
  let text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[\u2028\u2029]/g, '\n');
  text = text.normalize('NFC');
  const encoding = detectLegacyEncoding(text);
  if (encoding === 'tcvn3') text = convertTcvn3(text);
  else if (encoding === 'vni') text = convertVni(text);
  text = text
    .replace(/[\u00A0\u2007\u202F\u3000]/g, ' ')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/\f/g, '\n');
  return text.normalize('NFC');
}

/** Removes diacritics and upper-cases: "Hỏa tốc" → "HOA TOC". Used for tolerant keyword matching. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase();
}
