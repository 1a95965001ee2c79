// Periods of a report schedule, in Asia/Ho_Chi_Minh: a day, a week (Monday to Sunday), a month,
// or the one-off due day; each period's deadline ("trước 15h00 hằng ngày"); which periods lie
// between two days; and which one is current.
import { addDays, daysInMonth, localDate, localInstant, weekdayOf } from '../tasks/deadline.ts';
import type { ReportTemplate, ScheduleKind } from './schema.ts';

export type Schedule = Pick<ReportTemplate, 'scheduleKind' | 'deadlineTime' | 'weekday' | 'monthday' | 'startsOn' | 'endsOn'>;

const firstOfMonth = (iso: string) => `${iso.slice(0, 7)}-01`;
const addMonths = (iso: string, n: number) => {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7)) - 1 + n;
  const d = new Date(Date.UTC(y, m, 1));
  return d.toISOString().slice(0, 10);
};

/** The first day of the period a day falls in. */
export function periodOf(s: Pick<Schedule, 'scheduleKind' | 'startsOn'>, day: string): string {
  switch (s.scheduleKind) {
    case 'daily':
      return day;
    case 'weekly':
      return addDays(day, 1 - weekdayOf(day));
    case 'monthly':
      return firstOfMonth(day);
    case 'once':
      return s.startsOn;
  }
}

/** The day a period's report is due. */
export function dueDay(s: Schedule, period: string): string {
  switch (s.scheduleKind) {
    case 'daily':
    case 'once':
      return period;
    case 'weekly':
      return addDays(period, (s.weekday ?? 7) - 1);
    case 'monthly':
      return `${period.slice(0, 8)}${String(Math.min(s.monthday ?? daysInMonth(period), daysInMonth(period))).padStart(2, '0')}`;
  }
}

/** The instant a period's report is due (before the deadline hour of its due day). */
export const periodDeadline = (s: Schedule, period: string): Date => localInstant(dueDay(s, period), s.deadlineTime);

/** Whether `period` is a period of this schedule (aligned, and between its first and last). */
export function isPeriod(s: Schedule, period: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(period) || periodOf(s, period) !== period) return false;
  if (period < periodOf(s, s.startsOn)) return false;
  if (s.endsOn && period > periodOf(s, s.endsOn)) return false;
  return true;
}

/** The period containing `now` (it may lie outside the schedule's range). */
export const currentPeriod = (s: Schedule, now: Date): string => periodOf(s, localDate(now));

function next(kind: ScheduleKind, period: string): string | null {
  if (kind === 'daily') return addDays(period, 1);
  if (kind === 'weekly') return addDays(period, 7);
  if (kind === 'monthly') return addMonths(period, 1);
  return null;
}

/** The periods from `from` to `to` (days, inclusive), within the schedule's range, oldest first. */
export function periodsBetween(s: Schedule, from: string, to: string, max = 400): string[] {
  const out: string[] = [];
  const start = periodOf(s, s.startsOn);
  const end = s.endsOn ? periodOf(s, s.endsOn) : null;
  let p: string | null = periodOf(s, from < start ? start : from);
  while (p && p <= to && (!end || p <= end) && out.length < max) {
    if (p >= start) out.push(p);
    p = next(s.scheduleKind, p);
  }
  return out;
}

/** The latest `n` periods up to the one containing `now`, newest first. */
export function recentPeriods(s: Schedule, now: Date, n: number): string[] {
  const cur = currentPeriod(s, now);
  const span = s.scheduleKind === 'daily' ? n : s.scheduleKind === 'weekly' ? n * 7 : s.scheduleKind === 'monthly' ? n * 31 : 0;
  return periodsBetween(s, addDays(cur, -span), cur).reverse().slice(0, n);
}

/**
 * Does the schedule have a period due after `now`, with its due day between the first and the
 * last day? (A schedule that never fires does not.)
 */
export function firesAfter(s: Schedule, now: Date): boolean {
  if (s.endsOn && s.endsOn < s.startsOn) return false;
  const last = s.endsOn ? periodOf(s, s.endsOn) : null;
  let p: string | null = periodOf(s, localDate(now) < s.startsOn ? s.startsOn : localDate(now));
  if (s.scheduleKind === 'once') p = s.startsOn;
  for (let i = 0; p && i < 6; i++, p = next(s.scheduleKind, p)) {
    if (last && p > last) return false;
    const due = dueDay(s, p);
    if (due < s.startsOn || (s.endsOn && due > s.endsOn)) continue;
    if (periodDeadline(s, p).getTime() > now.getTime()) return true;
  }
  return false;
}
