// Parsing HTML form bodies with zod, returning per-field messages for the page to show.
import { z, type ZodType } from 'zod';
import type { Locale } from '../i18n/i18n.ts';

export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, string>;
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: FormValues };

/** Trims text fields and turns empty ones into "absent", as a form sends "" for blanks. */
export function cleanBody(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') {
      const s = v.normalize('NFC').trim();
      if (s !== '') out[k] = s;
    } else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? x.normalize('NFC').trim() : x)).filter((x) => x !== '');
    else out[k] = v;
  }
  return out;
}

export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string' && k !== '_csrf' && !/password/i.test(k)) out[k] = v;
  return out;
}

export function parseForm<T>(schema: ZodType<T>, body: unknown, locale: Locale): FormResult<T> {
  const result = schema.safeParse(cleanBody(body), { error: (locale === 'en' ? z.locales.en() : z.locales.vi()).localeError });
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, values: formValues(body) };
}

/** An optional whole number from a form or query ("" → undefined). */
export const optionalInt = z.preprocess((v) => (v === '' || v == null ? undefined : v), z.coerce.number().int().positive().optional());
export const idParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
