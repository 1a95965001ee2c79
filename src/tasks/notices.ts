// What the tasks feature tells people, through the one event path (src/core/notify): a new task
// to the lead unit's staff (or the member), an edited task to the units it newly names, a
// reminder before a deadline, an escalation after it to the assigning unit, a returned report to
// its author. Recipients are people holding a staff role in the very unit concerned (not its
// whole subtree), resolved here as person ids; every notice is written in the caller's
// transaction.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import type { ActingContext } from '../core/audit/audit.ts';
import { formatDateTime } from '../core/i18n/i18n.ts';
import { accounts, roleAssignments } from '../core/auth/schema.ts';
import { notify } from '../core/notify/notify.ts';

/** People holding a staff role (committee, office, administrator, cell leader) in exactly these units. */
export async function staffOf(db: Db, unitIds: number[]): Promise<number[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ personId: accounts.personId })
    .from(roleAssignments)
    .innerJoin(accounts, eq(accounts.id, roleAssignments.accountId))
    .where(and(inArray(roleAssignments.unitId, unitIds), isNull(roleAssignments.revokedAt), inArray(roleAssignments.role, ['committee_member', 'office_clerk', 'unit_admin', 'cell_secretary', 'cell_deputy']), eq(accounts.disabled, false)));
  return rows.map((r) => r.personId);
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** New tasks: one notice to the staff of every lead unit and to the assigned members. */
export async function noticeAssigned(tx: Db, who: ActingContext, created: { id: number; title: string; leadUnitId: number | null; memberPersonId: number | null; assigningUnitId: number; priority: string }[], assigningName: string): Promise<void> {
  if (created.length === 0) return;
  const people = new Set(await staffOf(tx, [...new Set(created.map((c) => c.leadUnitId).filter((x): x is number => x != null))]));
  for (const c of created) if (c.memberPersonId) people.add(c.memberPersonId);
  if (people.size === 0) return;
  const first = created[0]!;
  await notify(tx, who, {
    kind: 'task',
    urgency: created.some((c) => c.priority === 'high') ? 'khan' : null,
    audience: { personIds: [...people] },
    title: clip(`Nhiệm vụ mới: ${first.title}`, 300),
    body: created.length > 1 ? `${assigningName} giao nhiệm vụ cho ${created.length} đơn vị.` : `${assigningName} giao nhiệm vụ.`,
    link: created.length === 1 ? `/tasks/${first.id}` : '/tasks?view=leading',
    unitId: first.assigningUnitId,
    subject: { type: 'task', id: first.id },
  });
}

/**
 * An edited task: its new lead unit's staff (or new member) are told as for a new task; the staff
 * of newly added supporting units, that they support it. Nobody is told twice.
 */
export async function noticeAdded(
  tx: Db,
  who: ActingContext,
  task: { id: number; title: string; assigningUnitId: number; priority: string },
  added: { leadUnitId: number | null; memberPersonId: number | null; supportUnitIds: number[] },
  assigningName: string,
): Promise<void> {
  if (added.leadUnitId != null || added.memberPersonId != null) await noticeAssigned(tx, who, [{ ...task, leadUnitId: added.leadUnitId, memberPersonId: added.memberPersonId }], assigningName);
  if (added.supportUnitIds.length === 0) return;
  const told = new Set(added.leadUnitId != null ? await staffOf(tx, [added.leadUnitId]) : []);
  if (added.memberPersonId != null) told.add(added.memberPersonId);
  const people = (await staffOf(tx, added.supportUnitIds)).filter((p) => !told.has(p));
  if (people.length === 0) return;
  await notify(tx, who, {
    kind: 'task',
    urgency: task.priority === 'high' ? 'khan' : null,
    audience: { personIds: people },
    title: clip(`Phối hợp thực hiện nhiệm vụ: ${task.title}`, 300),
    body: `${assigningName} giao đơn vị phối hợp thực hiện nhiệm vụ.`,
    link: `/tasks/${task.id}`,
    unitId: task.assigningUnitId,
    subject: { type: 'task', id: task.id },
  });
}

export type DeadlineNotice = { kind: 'reminder' | 'escalation'; taskId: number; title: string; dueAt: Date; assigningUnitId: number; leadUnitId: number | null; memberPersonId: number | null; leadName: string | null; high: boolean };

/** A reminder to the lead (or member) before the deadline; an escalation to the assigning unit (and the lead) after it. */
export async function noticeDeadline(tx: Db, who: ActingContext, a: DeadlineNotice): Promise<number | null> {
  const doers = a.leadUnitId ? await staffOf(tx, [a.leadUnitId]) : a.memberPersonId ? [a.memberPersonId] : [];
  const people = a.kind === 'reminder' ? doers : [...new Set([...(await staffOf(tx, [a.assigningUnitId])), ...doers])];
  if (people.length === 0) return null;
  const due = formatDateTime(a.dueAt);
  return notify(tx, who, {
    kind: 'task',
    urgency: a.kind === 'escalation' || a.high ? 'khan' : null,
    audience: { personIds: people },
    title: clip(a.kind === 'reminder' ? `Sắp đến hạn: ${a.title}` : `Quá hạn: ${a.title}`, 300),
    body: a.kind === 'reminder' ? `Hạn ${due}.` : `${a.leadName ?? 'Đơn vị thực hiện'} chưa hoàn thành hoặc chưa báo cáo, hạn ${due}.`,
    link: `/tasks/${a.taskId}`,
    unitId: a.kind === 'reminder' ? (a.leadUnitId ?? a.assigningUnitId) : a.assigningUnitId,
    subject: { type: 'task', id: a.taskId },
  });
}

/** A returned report, to the person who wrote it. */
export async function noticeReturned(tx: Db, who: ActingContext, r: { taskId: number; title: string; authorPersonId: number; note: string; assigningUnitId: number }): Promise<void> {
  await notify(tx, who, {
    kind: 'task',
    urgency: null,
    audience: { personIds: [r.authorPersonId] },
    title: clip(`Báo cáo bị trả lại: ${r.title}`, 300),
    body: clip(r.note, 2000),
    link: `/tasks/${r.taskId}`,
    unitId: r.assigningUnitId,
    subject: { type: 'task', id: r.taskId },
  });
}
