// Reminders before a deadline and escalations after it, run by the core job queue every quarter
// of an hour (cron in Asia/Ho_Chi_Minh) and sent through notify() in the transaction that
// records them. Each alert is recorded once per task, kind and deadline instant (a unique key),
// so a rerun, a second instance or a retry never sends it twice; the task page lists them.
import { and, eq, inArray, lte, ne, or } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import type { JobQueue } from '../core/jobs/queue.ts';
import { addDays, deadlineState, localDate, previousOccurrence, reminderLeadMs, isRecurring } from './deadline.ts';
import { lastReportTimes, ruleOf } from './tasks.ts';
import { taskAlerts, tasks, type AlertKind, type TaskRow } from './schema.ts';
import { noticeDeadline } from './notices.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { units } from '../org/schema.ts';
import { now as clockNow } from './clock.ts';

declare module '../core/jobs/queue.ts' {
  interface JobPayloads {
    'tasks.deadlines': Record<string, never>;
  }
}

export type Alert = { taskId: number; kind: AlertKind; dueAt: Date; assigningUnitId: number; leadUnitId: number | null; memberPersonId: number | null; title: string };

/** Records an alert once and sends it in the same transaction; true when this call recorded it. */
async function recordAlert(db: Db, alert: Alert, at: Date, extra: { leadName: string | null; high: boolean }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.insert(taskAlerts).values({ taskId: alert.taskId, kind: alert.kind, dueAt: alert.dueAt, createdAt: at }).onConflictDoNothing().returning({ id: taskAlerts.id });
    if (rows.length === 0) return false;
    await noticeDeadline(tx, SYSTEM_CONTEXT, { ...alert, ...extra });
    return true;
  });
}

/**
 * Looks at every open task with a deadline: one due within its reminder lead time (and not yet
 * reported on for this occurrence) gets a reminder to its lead unit or member; one overdue gets
 * an escalation to its assigning unit. Returns what it recorded.
 */
export async function scanDeadlines(db: Db, now: Date): Promise<Alert[]> {
  const horizon = addDays(localDate(now), 3);
  const open = await db
    .select()
    .from(tasks)
    .where(
      and(
        inArray(tasks.status, ['todo', 'in_progress']),
        ne(tasks.deadlineKind, 'none'),
        or(inArray(tasks.deadlineKind, ['daily', 'weekly', 'monthly']), lte(tasks.dueDate, horizon)),
      ),
    );
  const last = await lastReportTimes(
    db,
    open.map((t) => t.id),
  );
  const leadIds = [...new Set(open.map((t) => t.leadUnitId).filter((x): x is number => x != null))];
  const leadNames = new Map((leadIds.length ? await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, leadIds)) : []).map((u) => [u.id, u.name]));
  const sent: Alert[] = [];
  for (const t of open) {
    const alert = alertFor(t, last.get(t.id) ?? null, now);
    if (alert && (await recordAlert(db, alert, now, { leadName: t.leadUnitId ? (leadNames.get(t.leadUnitId) ?? null) : null, high: t.priority === 'high' }))) sent.push(alert);
  }
  return sent;
}

function alertFor(t: TaskRow, lastReportAt: Date | null, now: Date): Alert | null {
  const rule = ruleOf(t);
  const state = deadlineState({ ...rule, status: t.status, createdAt: t.createdAt }, lastReportAt, now);
  const base = { taskId: t.id, assigningUnitId: t.assigningUnitId, leadUnitId: t.leadUnitId, memberPersonId: t.memberPersonId, title: t.title };
  if (state.overdue && state.dueAt) return { ...base, kind: 'escalation', dueAt: state.dueAt };
  if (!state.dueAt || state.dueAt.getTime() <= now.getTime()) return null;
  if (state.dueAt.getTime() - now.getTime() > reminderLeadMs(t.deadlineKind)) return null;
  if (isRecurring(t.deadlineKind)) {
    // Already reported since the previous occurrence: nothing to remind of.
    const prev = previousOccurrence(rule, now, t.createdAt);
    if (lastReportAt && (prev == null || lastReportAt.getTime() > prev.getTime())) return null;
  }
  return { ...base, kind: 'reminder', dueAt: state.dueAt };
}

export async function taskJobs(queue: JobQueue): Promise<void> {
  queue.register('tasks.deadlines', async (_p, { db }) => {
    const sent = await scanDeadlines(db, clockNow());
    return { reminders: sent.filter((a) => a.kind === 'reminder').length, escalations: sent.filter((a) => a.kind === 'escalation').length };
  });
  await queue.schedule('tasks.deadlines', '*/15 * * * *', 'tasks.deadlines', {});
}

/** Alerts recorded for a task (for tests and the task page). */
export async function alertsOf(db: Db, taskId: number) {
  return db.select().from(taskAlerts).where(eq(taskAlerts.taskId, taskId));
}
