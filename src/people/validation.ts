// One validation of a member's fields, used by the forms, the API and the spreadsheet import,
// so a value is accepted or refused the same way everywhere.
import type { Locale } from '../core/i18n/i18n.ts';
import { parseDate, todayIso } from '../core/i18n/i18n.ts';
import { normalizePhone } from '../core/text/vietnamese.ts';
import { normalizeCardNumber } from '../core/auth/login.ts';
import { peopleMessages } from './messages.ts';
import type { MemberStanding, PhoneKind } from './schema.ts';

export type MemberInput = {
  fullName: string;
  birthDate: string | null;
  gender: 'male' | 'female' | null;
  phone: string | null;
  email: string | null;
  phoneKind: PhoneKind;
  cardNumber: string | null;
  position: string | null;
  standing: MemberStanding;
  joinedOn: string | null;
  officialOn: string | null;
  exempt: boolean;
};

export type RawMember = Partial<Record<keyof MemberInput, unknown>>;
export type Validation<T> = { ok: true; value: T; warnings: Record<string, string> } | { ok: false; errors: Record<string, string>; warnings: Record<string, string> };

const text = (v: unknown): string => (v == null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v)).normalize('NFC').replace(/\s+/g, ' ').trim();
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().trim();

export function parseYesNo(v: unknown): boolean | null | undefined {
  if (typeof v === 'boolean') return v;
  const s = fold(text(v));
  if (s === '') return undefined;
  if (['co', 'x', '1', 'yes', 'true', 'on', 'mien'].includes(s)) return true;
  if (['khong', '0', 'no', 'false', 'off'].includes(s)) return false;
  return null;
}

export function validateMember(raw: RawMember, locale: Locale, today = todayIso()): Validation<MemberInput> {
  const m = peopleMessages(locale).errors;
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};

  const fullName = text(raw.fullName);
  if (!fullName) errors.fullName = m.required;
  else if (fullName.length > 100) errors.fullName = m.nameLong;
  else if (!/^[\p{L}\p{M}' -]+$/u.test(fullName)) errors.fullName = m.nameChars;
  else if (fullName.split(' ').length < 2) errors.fullName = m.nameShort;

  const date = (key: keyof MemberInput, required = false): string | null => {
    const s = text(raw[key]);
    if (!s) {
      if (required) errors[key] = m.required;
      return null;
    }
    const d = parseDate(s);
    if (!d) errors[key] = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$/.test(s) ? m.dateNotReal : m.date;
    else if (d > today) errors[key] = m.future;
    return d;
  };
  const birthDate = date('birthDate');
  if (birthDate && !errors.birthDate) {
    const age = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
    if (age < 18 || age > 120) errors.birthDate = m.birthRange;
  }
  const joinedOn = date('joinedOn');
  const officialOn = date('officialOn');

  let gender: MemberInput['gender'] = null;
  const g = fold(text(raw.gender));
  if (g === 'nam' || g === 'male' || g === 'm') gender = 'male';
  else if (g === 'nu' || g === 'female' || g === 'f') gender = 'female';
  else if (g) errors.gender = m.gender;

  let phone: string | null = null;
  const p = text(raw.phone);
  if (p) {
    phone = normalizePhone(p.replace(/^'/, ''));
    if (!phone) errors.phone = m.phone;
  }
  let email: string | null = null;
  const e = text(raw.email).toLowerCase();
  if (e) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) || e.length > 200) errors.email = m.email;
    else email = e;
  }

  let phoneKind: PhoneKind = phone ? 'smartphone' : 'none';
  const pk = fold(text(raw.phoneKind));
  if (pk) {
    if (['smartphone', 'thong minh', 'dien thoai thong minh'].includes(pk)) phoneKind = 'smartphone';
    else if (['basic', 'thuong', 'dien thoai thuong'].includes(pk) || pk.startsWith('dien thoai thuong')) phoneKind = 'basic';
    else if (['none', 'khong', 'khong co', 'khong co dien thoai'].includes(pk)) phoneKind = 'none';
    else errors.phoneKind = m.phoneKind;
  }

  let cardNumber: string | null = null;
  const c = text(raw.cardNumber).replace(/^'/, '');
  if (c) {
    cardNumber = normalizeCardNumber(c);
    if (!/^\d{6,12}$/.test(cardNumber)) errors.cardNumber = m.card;
  }

  let standing: MemberStanding = 'official';
  const s = fold(text(raw.standing));
  if (s === 'du bi' || s === 'probationary') standing = 'probationary';
  else if (s === 'chinh thuc' || s === 'official' || s === '') standing = 'official';
  else errors.standing = m.standing;

  const exempt = parseYesNo(raw.exempt);
  if (exempt === null) errors.exempt = m.yesNo;

  const position = text(raw.position) || null;
  if (position && position.length > 100) errors.position = m.position;

  if (birthDate && joinedOn && !errors.joinedOn && Number(joinedOn.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (joinedOn.slice(5) < birthDate.slice(5) ? 1 : 0) < 18) errors.joinedOn = m.joinedTooYoung;
  if (standing === 'official' && !officialOn && !errors.officialOn && joinedOn) errors.officialOn = m.officialNeedsDate;
  if (joinedOn && officialOn && officialOn <= joinedOn && !errors.officialOn) errors.officialOn = m.officialBeforeJoined;
  if (standing === 'probationary' && cardNumber && !errors.cardNumber) warnings.cardNumber = m.probationaryNoCard;

  if (Object.keys(errors).length > 0) return { ok: false, errors, warnings };
  return {
    ok: true,
    warnings,
    value: { fullName, birthDate, gender, phone, email, phoneKind, cardNumber, position, standing, joinedOn, officialOn, exempt: exempt ?? false },
  };
}
