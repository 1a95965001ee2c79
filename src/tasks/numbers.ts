// Numbers as people type them in Viet Nam: "1.081" is one thousand and eighty-one, "2,5" is two
// and a half; "1081" and "2.5" are read too when they cannot mean anything else.

/** Parses a typed number; null when it is not one. */
export function parseNumber(input: string): number | null {
  let s = input.trim().replace(/\s+/g, '');
  if (s === '') return null;
  const sign = s.startsWith('-') ? -1 : 1;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let n: number;
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) n = Number(s.replace(/\./g, '').replace(',', '.'));
  else if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) && !/^\d{1,3},\d{3}$/.test(s)) n = Number(s.replace(/,/g, ''));
  else if (/^\d+,\d+$/.test(s)) n = Number(s.replace(',', '.'));
  else if (/^\d+(\.\d+)?$/.test(s)) n = Number(s);
  else return null;
  return Number.isFinite(n) ? sign * n : null;
}

/** A number written the Vietnamese way ("1.081", "2,5"). */
export function formatAmount(n: number, locale: 'vi' | 'en' = 'vi'): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'vi-VN', { maximumFractionDigits: 2 }).format(n);
}
