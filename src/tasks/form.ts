// Reading a task form (one task, or one of the drafts of the "from a directive" form, whose
// fields carry a prefix) into a TaskInput, with a specific Vietnamese message per field for
// what cannot even be read (a date that does not exist, an hour like 25:00).
import { parseDate, type Locale } from '../core/i18n/i18n.ts';
import type { DeadlineRule } from './deadline.ts';
import { parseTime } from './deadline.ts';
import { taskMessages } from './messages.ts';
import { DEADLINE_KINDS, TASK_PRIORITIES, type DeadlineKind, type TaskPriority } from './schema.ts';
import type { FieldErrors, TaskInput } from './tasks.ts';

type Body = Record<string, unknown>;

const str = (b: Body, k: string): string => {
  const v = b[k];
  return (Array.isArray(v) ? String(v[0] ?? '') : v == null ? '' : String(v)).normalize('NFC').trim();
};
const ids = (b: Body, k: string): number[] => {
  const v = b[k];
  const list = Array.isArray(v) ? v : v == null || v === '' ? [] : [v];
  return [...new Set(list.map((x) => Number(x)).filter((n) => Number.isSafeInteger(n) && n > 0))];
};
const id = (b: Body, k: string): number | null => ids(b, k)[0] ?? null;

export type TaskForm = {
  input: Omit<TaskInput, 'assigningUnitId' | 'parentId' | 'documentId' | 'item'>;
  /** "Every lower unit of this kind" was chosen instead of one lead unit. */
  leadKind: string | null;
  errors: FieldErrors;
};

/** Reads the fields named `${prefix}title`, `${prefix}leadUnitId`… of a form body. */
export function readTaskForm(b: Body, prefix: string, locale: Locale, today: string): TaskForm {
  const m = taskMessages(locale);
  const f = (k: string) => `${prefix}${k}`;
  const errors: FieldErrors = {};
  const title = str(b, f('title')).replace(/\s+/g, ' ');
  const description = str(b, f('description'));
  const kindRaw = str(b, f('deadlineKind')) || 'none';
  const kind = (DEADLINE_KINDS as readonly string[]).includes(kindRaw) ? (kindRaw as DeadlineKind) : null;
  if (!kind) errors[f('deadlineKind')] = m.errors.deadlineKind;
  const recurring = kind === 'daily' || kind === 'weekly' || kind === 'monthly';
  const dateOf = (k: string): string | null => {
    const raw = str(b, f(k));
    if (!raw) return null;
    const d = parseDate(raw);
    if (!d) errors[f(k)] = m.errors.date;
    return d;
  };
  const dueDateRaw = dateOf('dueDate');
  const dueDate = recurring ? (dueDateRaw ?? today) : dueDateRaw;
  const timeRaw = str(b, f('dueTime'));
  const dueTime = timeRaw ? parseTime(timeRaw) : null;
  if (timeRaw && !dueTime && kind !== 'none' && kind !== 'date') errors[f('dueTime')] = m.errors.time;
  const weekdayRaw = str(b, f('recurWeekday'));
  const monthdayRaw = str(b, f('recurMonthday'));
  const monthday = monthdayRaw ? Number(monthdayRaw) : null;
  if (kind === 'monthly' && monthdayRaw && !(Number.isInteger(monthday) && monthday! >= 1 && monthday! <= 31)) errors[f('recurMonthday')] = m.errors.monthdayRange;
  const recurUntil = recurring ? dateOf('recurUntil') : null;
  const deadline: DeadlineRule = {
    kind: kind ?? 'none',
    dueDate: kind === 'none' ? null : dueDate,
    dueTime: kind === 'datetime' || recurring ? dueTime : null,
    recurWeekday: kind === 'weekly' && weekdayRaw ? Number(weekdayRaw) : null,
    recurMonthday: kind === 'monthly' && Number.isInteger(monthday) ? monthday : null,
    recurUntil,
  };
  const priorityRaw = str(b, f('priority')) || 'normal';
  const priority = (TASK_PRIORITIES as readonly string[]).includes(priorityRaw) ? (priorityRaw as TaskPriority) : 'normal';
  if (!(TASK_PRIORITIES as readonly string[]).includes(priorityRaw)) errors[f('priority')] = m.errors.priority;
  const leadKind = str(b, f('leadKind')) || null;
  return {
    input: {
      title,
      description,
      leadUnitId: id(b, f('leadUnitId')),
      supportUnitIds: ids(b, f('supportUnitIds')),
      memberPersonId: id(b, f('memberPersonId')),
      deadline,
      priority,
    },
    leadKind,
    errors,
  };
}

/** Domain errors of one task (keys without prefix) under the form's prefixed names. */
export function prefixed(errors: FieldErrors, prefix: string): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === '_form' ? '_form' : `${prefix}${k}`, v]));
}
