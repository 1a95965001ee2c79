// Deadlines in Asia/Ho_Chi_Minh: a date (due by the end of that day), a date and hour, or a
// recurring rule (daily, weekly on a weekday, monthly on a day, at an hour, from a first day
// until an optional last day). Pure functions of the rule and a given instant: "quá hạn" is
// computed here whenever a task is read, never stored.
//
// Viet Nam keeps UTC+7 all year (no daylight saving since 1975), so a local date and time is
// one fixed offset from UTC.
import { todayIso } from '../core/i18n/i18n.ts';
import type { DeadlineKind, TaskStatus } from './schema.ts';

export type DeadlineRule = {
  kind: DeadlineKind;
  dueDate: string | null;
  dueTime: string | null;
  recurWeekday: number | null;
  recurMonthday: number | null;
  recurUntil: string | null;
};

export const RECURRING: readonly DeadlineKind[] = ['daily', 'weekly', 'monthly'];
export const isRecurring = (kind: DeadlineKind) => RECURRING.includes(kind);

const DAY_MS = 86_400_000;

/** The instant a local date and "HH:MM" (Asia/Ho_Chi_Minh) name; no time: the end of that day. */
export function localInstant(date: string, time: string | null): Date {
  if (time == null) return new Date(new Date(`${date}T00:00:00+07:00`).getTime() + DAY_MS);
  return new Date(`${date}T${time}:00+07:00`);
}

export const localDate = (d: Date) => todayIso(d);

export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return new Date(d.getTime() + n * DAY_MS).toISOString().slice(0, 10);
}

/** 1 (Monday) … 7 (Sunday). */
export function weekdayOf(iso: string): number {
  const w = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return w === 0 ? 7 : w;
}

export function daysInMonth(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Reads "15", "15h", "15:00", "15h30", "15g30" into "HH:MM"; null if it is not a time of day. */
export function parseTime(input: string): string | null {
  const m = /^(\d{1,2})\s*(?:[:hg]|giờ)?\s*(\d{2})?\s*(?:phút|')?$/iu.exec(input.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = m[2] ? Number(m[2]) : 0;
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

function isDueDay(rule: DeadlineRule, day: string): boolean {
  switch (rule.kind) {
    case 'daily':
      return true;
    case 'weekly':
      return weekdayOf(day) === rule.recurWeekday;
    case 'monthly':
      return Number(day.slice(8, 10)) === Math.min(rule.recurMonthday ?? 1, daysInMonth(day));
    default:
      return false;
  }
}

/** The first occurrence of a recurring rule strictly after `after`, or null if there is none. */
export function nextOccurrence(rule: DeadlineRule, after: Date): Date | null {
  if (!isRecurring(rule.kind) || !rule.dueDate) return null;
  let day = localDate(after) < rule.dueDate ? rule.dueDate : localDate(after);
  // Any rule fires within 31 days of any day.
  for (let i = 0; i < 64; i++, day = addDays(day, 1)) {
    if (rule.recurUntil && day > rule.recurUntil) return null;
    if (day < rule.dueDate || !isDueDay(rule, day)) continue;
    const at = localInstant(day, rule.dueTime);
    if (at.getTime() > after.getTime()) return at;
  }
  return null;
}

/** The last occurrence at or before `at` and not before `notBefore`, or null. */
export function previousOccurrence(rule: DeadlineRule, at: Date, notBefore?: Date | null): Date | null {
  if (!isRecurring(rule.kind) || !rule.dueDate) return null;
  let day = addDays(localDate(at), 1);
  if (rule.recurUntil && day > rule.recurUntil) day = rule.recurUntil;
  for (let i = 0; i < 64; i++, day = addDays(day, -1)) {
    if (day < rule.dueDate) return null;
    if (!isDueDay(rule, day)) continue;
    const due = localInstant(day, rule.dueTime);
    if (notBefore && due.getTime() < notBefore.getTime()) return null;
    if (due.getTime() <= at.getTime()) return due;
  }
  return null;
}

/** A one-off deadline's instant (date: the end of the day; datetime: the hour). */
export function fixedDue(rule: DeadlineRule): Date | null {
  if ((rule.kind !== 'date' && rule.kind !== 'datetime') || !rule.dueDate) return null;
  return localInstant(rule.dueDate, rule.kind === 'datetime' ? rule.dueTime : null);
}

export type DeadlineState = {
  overdue: boolean;
  /** The deadline missed (when overdue), else the next one (null: none). */
  dueAt: Date | null;
};

/**
 * Whether a task is overdue at `now`. Done and paused tasks never are. A one-off deadline is
 * missed once it has passed. A recurring task is overdue when its latest occurrence has passed
 * without a progress report since the occurrence before it (occurrences before the task
 * existed do not count).
 */
export function deadlineState(task: { status: TaskStatus; createdAt: Date } & DeadlineRule, lastReportAt: Date | null, now: Date): DeadlineState {
  const open = task.status === 'todo' || task.status === 'in_progress';
  if (task.kind === 'none') return { overdue: false, dueAt: null };
  if (!isRecurring(task.kind)) {
    const due = fixedDue(task);
    return { overdue: open && due != null && now.getTime() > due.getTime(), dueAt: due };
  }
  const next = nextOccurrence(task, now);
  if (!open) return { overdue: false, dueAt: next };
  const last = previousOccurrence(task, now, task.createdAt);
  if (!last) return { overdue: false, dueAt: next };
  const before = previousOccurrence(task, new Date(last.getTime() - 1), task.createdAt);
  const served = lastReportAt != null && (before == null || lastReportAt.getTime() > before.getTime());
  return served ? { overdue: false, dueAt: next } : { overdue: true, dueAt: last };
}

export type DeadlineProblem = { field: 'dueDate' | 'dueTime' | 'recurWeekday' | 'recurMonthday' | 'recurUntil'; code: 'required' | 'past' | 'never' | 'range' | 'order' };

/**
 * Checks a deadline when a task is created or its deadline changed: a one-off deadline must
 * lie ahead; a recurring rule needs its weekday or day of month and must fire at least once
 * from now on.
 */
export function checkDeadline(rule: DeadlineRule, now: Date): DeadlineProblem | null {
  switch (rule.kind) {
    case 'none':
      return null;
    case 'date':
    case 'datetime': {
      if (!rule.dueDate) return { field: 'dueDate', code: 'required' };
      if (rule.kind === 'datetime' && !rule.dueTime) return { field: 'dueTime', code: 'required' };
      return fixedDue(rule)!.getTime() <= now.getTime() ? { field: rule.kind === 'datetime' && rule.dueDate === localDate(now) ? 'dueTime' : 'dueDate', code: 'past' } : null;
    }
    default: {
      if (!rule.dueDate) return { field: 'dueDate', code: 'required' };
      if (rule.kind === 'weekly' && !(rule.recurWeekday != null && rule.recurWeekday >= 1 && rule.recurWeekday <= 7)) return { field: 'recurWeekday', code: rule.recurWeekday == null ? 'required' : 'range' };
      if (rule.kind === 'monthly' && !(rule.recurMonthday != null && rule.recurMonthday >= 1 && rule.recurMonthday <= 31)) return { field: 'recurMonthday', code: rule.recurMonthday == null ? 'required' : 'range' };
      if (rule.recurUntil && rule.recurUntil < rule.dueDate) return { field: 'recurUntil', code: 'order' };
      if (!nextOccurrence(rule, now)) return { field: 'recurUntil', code: 'never' };
      return null;
    }
  }
}

/** How long before a deadline the reminder goes out. */
export function reminderLeadMs(kind: DeadlineKind): number {
  switch (kind) {
    case 'daily':
      return 2 * 3600_000;
    case 'monthly':
      return 48 * 3600_000;
    default:
      return 24 * 3600_000;
  }
}
