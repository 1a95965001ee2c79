// Vietnamese first, English second. Each feature defines its messages with `defineMessages`:
// the English table must have exactly the Vietnamese table's shape, checked by the compiler.
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

type Widen<T> = T extends string ? string : T extends (...args: infer A) => string ? (...args: A) => string : { [K in keyof T]: Widen<T[K]> };

export function defineMessages<const V extends Record<string, unknown>>(vi: V, en: Widen<V>): (locale: Locale) => Widen<V> {
  return (locale) => (locale === 'en' ? en : (vi as unknown as Widen<V>));
}

export function parseLocale(value: unknown): Locale {
  return value === 'en' ? 'en' : 'vi';
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = dateFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, ...opts });
    dateFormatters.set(key, f);
  }
  return f;
}

function parts(d: Date, withTime: boolean): Record<string, string> {
  const f = formatter(withTime ? 'dt' : 'd', withTime ? { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false } : { day: '2-digit', month: '2-digit', year: 'numeric' });
  return Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
}

/** dd/mm/yyyy in Asia/Ho_Chi_Minh. Accepts a Date or an ISO date string ("2021-09-23"). */
export function formatDate(value: Date | string | null | undefined): string {
  if (value == null || value === '') return '';
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m) return `${m[3]}/${m[2]}/${m[1]}`;
    value = new Date(value);
  }
  const p = parts(value, false);
  return `${p.day}/${p.month}/${p.year}`;
}

/** dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh. */
export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return '';
  const p = parts(value, true);
  return `${p.day}/${p.month}/${p.year} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

/** Today's date in Asia/Ho_Chi_Minh as an ISO string (yyyy-mm-dd). */
export function todayIso(now = new Date()): string {
  const p = parts(now, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Parses dd/mm/yyyy (or yyyy-mm-dd) into an ISO date string, or null if it is not a real date. */
export function parseDate(input: string): string | null {
  const s = input.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (match) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function formatNumber(n: number, locale: Locale = 'vi'): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'vi-VN').format(n);
}
