// Vietnamese text helpers shared by every feature: folding for diacritic-insensitive search
// and a sort key that orders names exactly as Intl.Collator('vi') does, so that PostgreSQL
// and PGlite (which may lack ICU) sort the same way by comparing plain bytes (COLLATE "C").

/** Lower-case, strip diacritics (đ → d), collapse whitespace: "Nghị  Quyết" → "nghi quyet". */
export function foldVietnamese(input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Letters in Vietnamese alphabetical order (foreign f, j, w, z in their Latin places). */
const ALPHABET = ['a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z'];
const LETTER_CODE = new Map(ALPHABET.map((l, i) => [l, String.fromCharCode(0x41 + i)]));
/** Tone marks as secondary weights: none < huyền < hỏi < ngã < sắc < nặng (CLDR vi). */
const TONE_WEIGHT: Record<string, string> = { '\u0300': '1', '\u0309': '2', '\u0303': '3', '\u0301': '4', '\u0323': '5' };
const LETTER_MODIFIERS = new Set(['\u0306', '\u0302', '\u031b']); // breve, circumflex, horn: part of the letter

const SEGMENT_SEPARATOR = '!';
const LEVEL_SEPARATOR = '"';
const SPACE_CODE = '$';
const OTHER_CODE = '%';

/** Byte-comparable collation key of one string: primary, then tones, then case. */
export function collationKey(input: string): string {
  const chars = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  let primary = '';
  let secondary = '';
  let tertiary = '';
  for (const ch of chars) {
    const decomposed = ch.normalize('NFD');
    let base = '';
    let tone = '0';
    for (const part of decomposed) {
      if (TONE_WEIGHT[part]) tone = TONE_WEIGHT[part];
      else base += part;
    }
    base = base.normalize('NFC');
    const lower = base.toLowerCase();
    const upper = base !== lower;
    const letter = LETTER_CODE.get(lower);
    if (letter) primary += letter;
    else if (lower === ' ') primary += SPACE_CODE;
    else if (lower >= '0' && lower <= '9') primary += lower;
    else if ([...lower.normalize('NFD')].every((p) => LETTER_MODIFIERS.has(p))) continue;
    else primary += OTHER_CODE + lower.codePointAt(0)!.toString(16).padStart(5, '0');
    secondary += tone;
    tertiary += upper ? '1' : '0';
  }
  return primary + LEVEL_SEPARATOR + secondary + LEVEL_SEPARATOR + tertiary;
}

export type NameParts = { family: string; middle: string; given: string };

/** Splits a Vietnamese full name: the first word is the family name, the last the given name. */
export function splitName(fullName: string): NameParts {
  const words = fullName.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { family: '', middle: '', given: '' };
  if (words.length === 1) return { family: '', middle: '', given: words[0]! };
  return { family: words[0]!, middle: words.slice(1, -1).join(' '), given: words[words.length - 1]! };
}

/** Sort key for a person's name: by given name, then by family and middle names. */
export function nameSortKey(fullName: string): string {
  const { family, middle, given } = splitName(fullName);
  return collationKey(given) + SEGMENT_SEPARATOR + collationKey([family, middle].filter(Boolean).join(' '));
}

const viCollator = new Intl.Collator('vi');

/** The same order as nameSortKey, computed with Intl.Collator('vi') (for sorting in memory). */
export function compareNames(a: string, b: string): number {
  const pa = splitName(a);
  const pb = splitName(b);
  return (
    viCollator.compare(pa.given, pb.given) ||
    viCollator.compare([pa.family, pa.middle].filter(Boolean).join(' '), [pb.family, pb.middle].filter(Boolean).join(' '))
  );
}

/** Normalises a Vietnamese phone number to its national form (0xxxxxxxxx), or null if it is not one. */
export function normalizePhone(input: string): string | null {
  const digits = input.replace(/[\s.\-()]/g, '');
  let national = digits;
  if (national.startsWith('+84')) national = '0' + national.slice(3);
  else if (national.startsWith('84') && national.length === 11) national = '0' + national.slice(2);
  return /^0\d{9}$/.test(national) ? national : null;
}
