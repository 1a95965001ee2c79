// Deadlines and states in words, shared by the pages and the exports.
import { formatDate, formatDateTime } from '../core/i18n/i18n.ts';
import type { DeadlineRule, DeadlineState } from './deadline.ts';
import type { TaskMessages } from './messages.ts';

export function deadlineText(m: TaskMessages, r: DeadlineRule): string {
  const range = (s: string) => {
    const parts = [s];
    if (r.dueDate) parts.push(m.deadline.from(formatDate(r.dueDate)));
    if (r.recurUntil) parts.push(m.deadline.until(formatDate(r.recurUntil)));
    return parts.join(', ');
  };
  switch (r.kind) {
    case 'none':
      return m.deadline.none;
    case 'date':
      return m.deadline.date(formatDate(r.dueDate));
    case 'datetime':
      return m.deadline.datetime(r.dueTime ?? '', formatDate(r.dueDate));
    case 'daily':
      return range(m.deadline.daily(r.dueTime));
    case 'weekly':
      return range(m.deadline.weekly(m.weekdays[(r.recurWeekday ?? 1) - 1] ?? '', r.dueTime));
    case 'monthly':
      return range(m.deadline.monthly(r.recurMonthday ?? 1, r.dueTime));
  }
}

/** "Quá hạn từ …" or "Hạn tới: …" for recurring tasks; empty for one-off deadlines (the rule says it). */
export function stateText(m: TaskMessages, r: DeadlineRule, s: DeadlineState): string {
  if (!s.dueAt) return '';
  if (s.overdue) return m.deadline.missed(formatDateTime(s.dueAt));
  return r.kind === 'daily' || r.kind === 'weekly' || r.kind === 'monthly' ? m.deadline.next(formatDateTime(s.dueAt)) : '';
}

/** Items in their printed order: "2" before "10", "5.1" before "5.2". */
export function compareItems(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a == null) return 1;
  if (b == null) return -1;
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    if (Number.isNaN(x) || Number.isNaN(y)) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  return 0;
}
