// Deadlines in Asia/Ho_Chi_Minh with a fixed clock: one-off deadlines, recurring rules
// (daily before 15:00, weekly, monthly with short months), "quá hạn" derived when read, and
// the rules refused at creation (in the past, never firing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDeadline, deadlineState, localInstant, nextOccurrence, parseTime, previousOccurrence, type DeadlineRule } from './deadline.ts';

const rule = (r: Partial<DeadlineRule>): DeadlineRule => ({ kind: 'none', dueDate: null, dueTime: null, recurWeekday: null, recurMonthday: null, recurUntil: null, ...r });
/** A Vietnamese wall-clock time. */
const vn = (s: string) => new Date(`${s}+07:00`);
const open = (r: DeadlineRule, createdAt = vn('2021-09-01T08:00:00')) => ({ ...r, status: 'in_progress' as const, createdAt });

test('a local date and hour is one fixed offset from UTC; a date alone means the end of that day', () => {
  assert.equal(localInstant('2021-09-23', '15:00').toISOString(), '2021-09-23T08:00:00.000Z');
  assert.equal(localInstant('2021-09-23', null).toISOString(), '2021-09-23T17:00:00.000Z');
  assert.equal(parseTime('15h'), '15:00');
  assert.equal(parseTime('15h30'), '15:30');
  assert.equal(parseTime('7:05'), '07:05');
  assert.equal(parseTime('25:00'), null);
  assert.equal(parseTime('mười lăm giờ'), null);
});

test('a one-off deadline is overdue only once it has passed, in Viet Nam time', () => {
  const byDay = rule({ kind: 'date', dueDate: '2021-10-15' });
  // 23:30 on the 15th in Hà Nội is 16:30 UTC: still in time.
  assert.equal(deadlineState(open(byDay), null, vn('2021-10-15T23:30:00')).overdue, false);
  assert.equal(deadlineState(open(byDay), null, vn('2021-10-16T00:00:01')).overdue, true);
  const byHour = rule({ kind: 'datetime', dueDate: '2021-10-15', dueTime: '15:00' });
  assert.equal(deadlineState(open(byHour), null, vn('2021-10-15T14:59:00')).overdue, false);
  assert.equal(deadlineState(open(byHour), null, vn('2021-10-15T15:01:00')).overdue, true);
  // Done and paused tasks are never overdue; a report does not change a one-off deadline.
  assert.equal(deadlineState({ ...open(byHour), status: 'done' }, null, vn('2021-11-01T00:00:00')).overdue, false);
  assert.equal(deadlineState({ ...open(byHour), status: 'paused' }, null, vn('2021-11-01T00:00:00')).overdue, false);
  assert.equal(deadlineState(open(rule({ kind: 'none' })), null, vn('2030-01-01T00:00:00')).overdue, false);
});

test('daily before 15:00: overdue after 15:00 until a report comes in, then in time until the next day', () => {
  const daily = rule({ kind: 'daily', dueDate: '2021-09-20', dueTime: '15:00' });
  const created = vn('2021-09-20T09:00:00');
  const t = open(daily, created);
  assert.equal(nextOccurrence(daily, vn('2021-09-23T10:00:00'))?.toISOString(), vn('2021-09-23T15:00:00').toISOString());
  assert.equal(nextOccurrence(daily, vn('2021-09-23T15:00:00'))?.toISOString(), vn('2021-09-24T15:00:00').toISOString());
  assert.equal(previousOccurrence(daily, vn('2021-09-23T15:00:00'))?.toISOString(), vn('2021-09-23T15:00:00').toISOString());
  // Reported yesterday at 14:00, it is 14:00 today: in time, the next deadline is today 15:00.
  const yesterday = vn('2021-09-22T14:00:00');
  const s1 = deadlineState(t, yesterday, vn('2021-09-23T14:00:00'));
  assert.deepEqual([s1.overdue, s1.dueAt?.toISOString()], [false, vn('2021-09-23T15:00:00').toISOString()]);
  // 15:30 without today's report: overdue since 15:00.
  const s2 = deadlineState(t, yesterday, vn('2021-09-23T15:30:00'));
  assert.deepEqual([s2.overdue, s2.dueAt?.toISOString()], [true, vn('2021-09-23T15:00:00').toISOString()]);
  // A late report at 16:00 clears it.
  assert.equal(deadlineState(t, vn('2021-09-23T16:00:00'), vn('2021-09-23T16:30:00')).overdue, false);
  // Never reported at all: overdue from the first occurrence after the task was made.
  assert.equal(deadlineState(t, null, vn('2021-09-20T14:00:00')).overdue, false);
  assert.equal(deadlineState(t, null, vn('2021-09-20T15:10:00')).overdue, true);
  // A task made at 16:00 is not late for 15:00 of that day.
  assert.equal(deadlineState(open(daily, vn('2021-09-20T16:00:00')), null, vn('2021-09-20T18:00:00')).overdue, false);
});

test('weekly and monthly rules, a day past the end of a short month meaning its last day', () => {
  const friday = rule({ kind: 'weekly', dueDate: '2021-09-01', dueTime: '16:00', recurWeekday: 5 });
  assert.equal(nextOccurrence(friday, vn('2021-09-20T08:00:00'))?.toISOString(), vn('2021-09-24T16:00:00').toISOString());
  const monthEnd = rule({ kind: 'monthly', dueDate: '2021-01-01', recurMonthday: 31 });
  assert.equal(nextOccurrence(monthEnd, vn('2021-02-10T08:00:00'))?.toISOString(), localInstant('2021-02-28', null).toISOString());
  assert.equal(nextOccurrence(monthEnd, vn('2024-02-10T08:00:00'))?.toISOString(), localInstant('2024-02-29', null).toISOString());
  assert.equal(nextOccurrence(monthEnd, vn('2021-04-05T08:00:00'))?.toISOString(), localInstant('2021-04-30', null).toISOString());
  // Until a last day: nothing after it.
  const until = rule({ kind: 'daily', dueDate: '2021-09-01', dueTime: '15:00', recurUntil: '2021-09-30' });
  assert.equal(nextOccurrence(until, vn('2021-09-30T16:00:00')), null);
  assert.equal(previousOccurrence(until, vn('2021-10-05T08:00:00'))?.toISOString(), vn('2021-09-30T15:00:00').toISOString());
});

test('refused at creation: a deadline in the past, a rule that never fires, missing parts', () => {
  const now = vn('2021-09-23T10:00:00');
  assert.deepEqual(checkDeadline(rule({ kind: 'date', dueDate: '2021-09-22' }), now), { field: 'dueDate', code: 'past' });
  assert.equal(checkDeadline(rule({ kind: 'date', dueDate: '2021-09-23' }), now), null, 'today is still ahead until midnight');
  assert.deepEqual(checkDeadline(rule({ kind: 'datetime', dueDate: '2021-09-23', dueTime: '09:00' }), now), { field: 'dueTime', code: 'past' });
  assert.deepEqual(checkDeadline(rule({ kind: 'datetime', dueDate: '2021-09-24' }), now), { field: 'dueTime', code: 'required' });
  assert.deepEqual(checkDeadline(rule({ kind: 'weekly', dueDate: '2021-09-23' }), now), { field: 'recurWeekday', code: 'required' });
  assert.deepEqual(checkDeadline(rule({ kind: 'monthly', dueDate: '2021-09-23', recurMonthday: 32 }), now), { field: 'recurMonthday', code: 'range' });
  assert.deepEqual(checkDeadline(rule({ kind: 'daily', dueDate: '2021-09-23', recurUntil: '2021-09-20' }), now), { field: 'recurUntil', code: 'order' });
  // Mondays from Tuesday 21 to Sunday 26 September: there is none.
  assert.deepEqual(checkDeadline(rule({ kind: 'weekly', dueDate: '2021-09-21', recurWeekday: 1, recurUntil: '2021-09-26' }), now), { field: 'recurUntil', code: 'never' });
  // Daily before 08:00, ending today: today's 08:00 has passed, so it never fires again.
  assert.deepEqual(checkDeadline(rule({ kind: 'daily', dueDate: '2021-09-01', dueTime: '08:00', recurUntil: '2021-09-23' }), now), { field: 'recurUntil', code: 'never' });
  assert.equal(checkDeadline(rule({ kind: 'daily', dueDate: '2021-09-23', dueTime: '15:00' }), now), null);
});
