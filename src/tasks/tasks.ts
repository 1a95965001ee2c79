// Tasks: creation (from a directive's items, by hand, or as subtasks of a task for the lead
// unit's lower units), status changes, reading one task with its subtasks and reports, lists
// scoped to what an actor may see, and progress rolled up from subtasks. Every write runs in one
// transaction with its audit entry; a batch is refused whole when any task in it is wrong.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError, invalid, notFound } from '../core/errors.ts';
import { formatDate, type Locale } from '../core/i18n/i18n.ts';
import { isSystemAdmin, type Actor, type ResourceFor } from '../core/policy/policy.ts';
import { units, type Unit } from '../org/schema.ts';
import { members, people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';
import { taskMessages, type TaskMessages } from './messages.ts';
import { checkDeadline, deadlineState, fixedDue, type DeadlineRule, type DeadlineState } from './deadline.ts';
import { taskAlerts, taskReports, taskSupports, tasks, TASK_STATUSES, type TaskPriority, type TaskRow, type TaskStatus } from './schema.ts';
import { noticeAdded, noticeAssigned } from './notices.ts';

export const MAX_BATCH = 5000;
/** Batches larger than this are audited as one entry (like an import), not one entry per task. */
const AUDIT_EACH_UP_TO = 100;

export type TaskInput = {
  parentId: number | null;
  documentId: number | null;
  item: string | null;
  assigningUnitId: number;
  leadUnitId: number | null;
  supportUnitIds: number[];
  memberPersonId: number | null;
  title: string;
  description: string;
  deadline: DeadlineRule;
  priority: TaskPriority;
};

export type FieldErrors = Record<string, string>;

export const ruleOf = (t: Pick<TaskRow, 'deadlineKind' | 'dueDate' | 'dueTime' | 'recurWeekday' | 'recurMonthday' | 'recurUntil'>): DeadlineRule => ({
  kind: t.deadlineKind,
  dueDate: t.dueDate,
  dueTime: t.dueTime,
  recurWeekday: t.recurWeekday,
  recurMonthday: t.recurMonthday,
  recurUntil: t.recurUntil,
});

export function deadlineMessage(m: TaskMessages, p: NonNullable<ReturnType<typeof checkDeadline>>): string {
  switch (p.code) {
    case 'required':
      return p.field === 'dueTime' ? m.errors.dueTimeRequired : p.field === 'recurWeekday' ? m.errors.weekdayRequired : p.field === 'recurMonthday' ? m.errors.monthdayRange : m.errors.dueDateRequired;
    case 'past':
      return p.field === 'dueTime' ? m.errors.pastTime : m.errors.past;
    case 'range':
      return p.field === 'recurWeekday' ? m.errors.weekdayRequired : m.errors.monthdayRange;
    case 'order':
      return m.errors.untilBeforeStart;
    case 'never':
      return m.errors.neverFires;
  }
}

/**
 * Checking an edited task rather than a new one: a deadline left as it was is not checked again
 * (it may have passed since), units already on the task may stay even if closed since, and a
 * subtask stays editable under a task that is done.
 */
export type EditingCheck = { deadlineUnchanged: boolean; keptUnitIds: Set<number> };

type UnitInfo = Pick<Unit, 'id' | 'name' | 'path' | 'tree' | 'kind' | 'status'>;

/**
 * Checks a batch of tasks against the database without writing: per task, the field messages
 * (an empty object when the task is right). `now` decides what "in the past" means.
 */
export async function checkTasks(db: Db, inputs: TaskInput[], opts: { now: Date; locale: Locale; editing?: EditingCheck }): Promise<FieldErrors[]> {
  const m = taskMessages(opts.locale);
  const unitIds = [...new Set(inputs.flatMap((i) => [i.assigningUnitId, ...(i.leadUnitId ? [i.leadUnitId] : []), ...i.supportUnitIds]))];
  const unitRows: UnitInfo[] = unitIds.length ? await db.select({ id: units.id, name: units.name, path: units.path, tree: units.tree, kind: units.kind, status: units.status }).from(units).where(inArray(units.id, unitIds)) : [];
  const unitMap = new Map(unitRows.map((u) => [u.id, u]));
  const personIds = [...new Set(inputs.map((i) => i.memberPersonId).filter((x): x is number => x != null))];
  const memberRows = personIds.length
    ? await db
        .select({ personId: members.personId, status: members.status, path: units.path })
        .from(members)
        .innerJoin(units, eq(units.id, members.unitId))
        .where(inArray(members.personId, personIds))
    : [];
  const memberMap = new Map(memberRows.map((r) => [r.personId, r]));
  const parentIds = [...new Set(inputs.map((i) => i.parentId).filter((x): x is number => x != null))];
  const parentRows = parentIds.length ? await db.select().from(tasks).where(inArray(tasks.id, parentIds)) : [];
  const parentMap = new Map(parentRows.map((p) => [p.id, p]));
  const leadOfParent = new Map<number, UnitInfo>();
  const parentLeadIds = parentRows.map((p) => p.leadUnitId).filter((x): x is number => x != null && !unitMap.has(x));
  if (parentLeadIds.length) {
    for (const u of await db.select({ id: units.id, name: units.name, path: units.path, tree: units.tree, kind: units.kind, status: units.status }).from(units).where(inArray(units.id, parentLeadIds))) unitMap.set(u.id, u);
  }
  for (const p of parentRows) if (p.leadUnitId) leadOfParent.set(p.id, unitMap.get(p.leadUnitId)!);

  const kept = opts.editing?.keptUnitIds ?? new Set<number>();
  const usable = (id: number, field: string, errors: FieldErrors): UnitInfo | null => {
    const u = unitMap.get(id);
    if (!u) errors[field] ??= m.errors.unit;
    else if (kept.has(id)) return u;
    else if (u.status !== 'active') errors[field] ??= m.errors.unitClosed(u.name);
    else if (u.tree === 'external') errors[field] ??= m.errors.unitExternal(u.name);
    else return u;
    return null;
  };

  return inputs.map((input) => {
    const errors: FieldErrors = {};
    if (!input.title.trim()) errors.title = m.errors.title;
    else if (input.title.length > 500) errors.title = m.errors.titleLong;
    if (input.description.length > 10_000) errors.description = m.errors.descriptionLong;
    const assigning = usable(input.assigningUnitId, 'assigningUnitId', errors);
    if (input.leadUnitId != null && input.memberPersonId != null) errors.leadUnitId = m.errors.bothAssignees;
    else if (input.leadUnitId == null && input.memberPersonId == null) errors.leadUnitId = m.errors.assignee;
    const lead = input.leadUnitId != null ? usable(input.leadUnitId, 'leadUnitId', errors) : null;
    for (const s of input.supportUnitIds) {
      if (s === input.leadUnitId) errors.supportUnitIds ??= m.errors.supportIsLead;
      else usable(s, 'supportUnitIds', errors);
    }
    if (input.memberPersonId != null) {
      const mem = memberMap.get(input.memberPersonId);
      if (!mem || !['active', 'temporarily_transferred'].includes(mem.status)) errors.memberPersonId = m.errors.member;
      else if (assigning && !mem.path.startsWith(assigning.path)) errors.memberPersonId = m.errors.memberOutside;
    }
    if (input.parentId != null) {
      const parent = parentMap.get(input.parentId);
      const parentLead = parent ? leadOfParent.get(parent.id) : undefined;
      if (!parent) errors._form = m.errors.unit;
      else if (!parentLead) errors._form = m.errors.memberTaskSplit;
      else if (parent.status === 'done' && !opts.editing) errors._form = m.errors.parentDone;
      else {
        if (input.assigningUnitId !== parentLead.id) errors.assigningUnitId ??= m.errors.lowerUnit;
        if (lead && (lead.id === parentLead.id || !lead.path.startsWith(parentLead.path))) errors.leadUnitId ??= m.errors.lowerUnit;
        for (const s of input.supportUnitIds) {
          const su = unitMap.get(s);
          if (su && (su.id === parentLead.id || !su.path.startsWith(parentLead.path))) errors.supportUnitIds ??= m.errors.lowerUnit;
        }
        const parentDue = fixedDue(ruleOf(parent));
        const ownDue = fixedDue(input.deadline);
        if (parentDue && ownDue && ownDue.getTime() > parentDue.getTime()) errors.dueDate ??= m.errors.subtaskAfterParent(formatDueShort(ruleOf(parent)));
      }
    }
    const problem = opts.editing?.deadlineUnchanged ? null : checkDeadline(input.deadline, opts.now);
    if (problem) errors[problem.field] ??= deadlineMessage(m, problem);
    return errors;
  });
}

const formatDueShort = (r: DeadlineRule) => (r.kind === 'datetime' && r.dueTime ? `${r.dueTime} ${formatDate(r.dueDate)}` : formatDate(r.dueDate));

/**
 * Creates a batch of tasks in one transaction, or none: the first wrong task throws a
 * DomainError naming its field and its place in the batch (`details.index`).
 */
export async function createTasks(db: Db, who: ActingContext, inputs: TaskInput[], opts: { now: Date; locale?: Locale }): Promise<TaskRow[]> {
  const locale = opts.locale ?? 'vi';
  const m = taskMessages(locale);
  if (inputs.length === 0) throw invalid(m.errors.noneSelected);
  if (inputs.length > MAX_BATCH) throw invalid(m.errors.tooMany(MAX_BATCH));
  return db.transaction(async (tx) => {
    const errors = await checkTasks(tx, inputs, { now: opts.now, locale });
    const bad = errors.findIndex((e) => Object.keys(e).length > 0);
    if (bad >= 0) {
      const [field, message] = Object.entries(errors[bad]!)[0]!;
      throw invalid(message, { field, index: bad });
    }
    const created: TaskRow[] = [];
    for (let i = 0; i < inputs.length; i += 1000) {
      const chunk = inputs.slice(i, i + 1000);
      const rows = await tx
        .insert(tasks)
        .values(
          chunk.map((t) => ({
            parentId: t.parentId,
            documentId: t.documentId,
            item: t.item,
            assigningUnitId: t.assigningUnitId,
            leadUnitId: t.leadUnitId,
            memberPersonId: t.memberPersonId,
            title: t.title.trim(),
            description: t.description.trim(),
            deadlineKind: t.deadline.kind,
            dueDate: t.deadline.kind === 'none' ? null : t.deadline.dueDate,
            dueTime: t.deadline.kind === 'none' || t.deadline.kind === 'date' ? null : t.deadline.dueTime,
            recurWeekday: t.deadline.kind === 'weekly' ? t.deadline.recurWeekday : null,
            recurMonthday: t.deadline.kind === 'monthly' ? t.deadline.recurMonthday : null,
            recurUntil: ['daily', 'weekly', 'monthly'].includes(t.deadline.kind) ? t.deadline.recurUntil : null,
            priority: t.priority,
            createdBy: who.accountId,
            createdAt: opts.now,
            updatedAt: opts.now,
          })),
        )
        .returning();
      created.push(...rows);
    }
    const supports = created.flatMap((row, i) => [...new Set(inputs[i]!.supportUnitIds)].map((unitId) => ({ taskId: row.id, unitId })));
    for (let i = 0; i < supports.length; i += 2000) await tx.insert(taskSupports).values(supports.slice(i, i + 2000));
    if (created.length <= AUDIT_EACH_UP_TO) {
      for (const [i, row] of created.entries()) {
        await audit(tx, who, {
          action: 'task.create',
          entityType: 'task',
          entityId: row.id,
          unitId: row.assigningUnitId,
          after: { title: row.title, documentId: row.documentId, item: row.item, parentId: row.parentId, leadUnitId: row.leadUnitId, supportUnitIds: inputs[i]!.supportUnitIds, memberPersonId: row.memberPersonId, deadline: inputs[i]!.deadline, priority: row.priority },
        });
      }
    } else {
      const first = created[0]!;
      await audit(tx, who, {
        action: 'task.create',
        entityType: 'tasks',
        entityId: `${first.id}-${created[created.length - 1]!.id}`,
        unitId: first.assigningUnitId,
        after: { count: created.length, documentId: first.documentId, ids: created.map((c) => c.id), leadUnitIds: created.map((c) => c.leadUnitId) },
      });
    }
    const [assigning] = await tx.select({ name: units.name }).from(units).where(eq(units.id, created[0]!.assigningUnitId));
    await noticeAssigned(tx, who, created, assigning?.name ?? '');
    return created;
  });
}

export async function getTaskRow(db: Db, id: number): Promise<TaskRow> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
  if (!row) throw notFound('nhiệm vụ');
  return row;
}

/** The policy's view of a task. */
export async function loadTaskResource(db: Db, id: number): Promise<ResourceFor<'task.view'> | null> {
  const au = alias(units, 'au');
  const lu = alias(units, 'lu');
  const mu = alias(units, 'mu');
  const [row] = await db
    .select({ id: tasks.id, assigningPath: au.path, leadPath: lu.path, memberPersonId: tasks.memberPersonId, memberCellPath: mu.path, documentId: tasks.documentId })
    .from(tasks)
    .innerJoin(au, eq(au.id, tasks.assigningUnitId))
    .leftJoin(lu, eq(lu.id, tasks.leadUnitId))
    .leftJoin(members, eq(members.personId, tasks.memberPersonId))
    .leftJoin(mu, eq(mu.id, members.unitId))
    .where(eq(tasks.id, id));
  if (!row) return null;
  const supports = await db.select({ path: units.path }).from(taskSupports).innerJoin(units, eq(units.id, taskSupports.unitId)).where(eq(taskSupports.taskId, id));
  return { type: 'task', id: row.id, assigningPath: row.assigningPath, leadPath: row.leadPath, supportPaths: supports.map((s) => s.path), memberPersonId: row.memberPersonId, memberCellPath: row.memberCellPath, documentId: row.documentId };
}

// ---------------------------------------------------------------------------------------------
// What an actor may see: the same rule as 'task.view', as SQL.

export const TASK_STAFF_ROLES = ['committee_member', 'office_clerk', 'unit_admin', 'cell_secretary', 'cell_deputy'] as const;

export type TaskScope = {
  /** Subtree prefixes where the actor holds a staff role (system administrators: every unit). */
  staffPaths: string[];
  personId: number;
  /** Cells whose members' tasks the actor sees as their secretary or deputy. */
  cellLeaderPaths: string[];
};

export function taskScope(actor: Actor): TaskScope {
  if (isSystemAdmin(actor)) return { staffPaths: ['/'], personId: actor.personId, cellLeaderPaths: ['/'] };
  const staff = [...new Set(actor.grants.filter((g) => g.path != null && (TASK_STAFF_ROLES as readonly string[]).includes(g.role)).map((g) => g.path!))];
  const cells = [...new Set(actor.grants.filter((g) => g.path != null && (g.role === 'cell_secretary' || g.role === 'cell_deputy')).map((g) => g.path!))];
  return { staffPaths: staff, personId: actor.personId, cellLeaderPaths: cells };
}

const likeAny = (col: SQL | string, prefixes: string[]): SQL =>
  prefixes.length === 0 ? sql`false` : sql.join(prefixes.map((p) => sql`${typeof col === 'string' ? sql.raw(col) : col} like ${`${p.replace(/[%_\\]/g, '\\$&')}%`}`), sql` or `);

export type TaskView = 'mine' | 'leading' | 'assigned' | 'all';

/** The SQL condition (over tasks t, units au/lu, member's cell mu) for a view of the actor's tasks. */
function viewCondition(scope: TaskScope, view: TaskView): SQL {
  const mine = sql`t.member_person_id = ${scope.personId}`;
  const leading = sql`(${likeAny('lu.path', scope.staffPaths)} or exists (select 1 from task_supports ts join units su on su.id = ts.unit_id where ts.task_id = t.id and (${likeAny('su.path', scope.staffPaths)})) or (t.member_person_id is not null and (${likeAny('mu.path', scope.cellLeaderPaths)})))`;
  const assigned = sql`(${likeAny('au.path', scope.staffPaths)})`;
  if (view === 'mine') return mine;
  if (view === 'leading') return leading;
  if (view === 'assigned') return assigned;
  return sql`(${mine} or ${leading} or ${assigned})`;
}

export type TaskListRow = {
  id: number;
  title: string;
  item: string | null;
  documentId: number | null;
  documentNumber: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  progress: number;
  assigningName: string;
  leadName: string | null;
  memberName: string | null;
  createdAt: Date;
  rule: DeadlineRule;
  lastReportAt: Date | null;
  state: DeadlineState;
};

export type TaskFilter = { view: TaskView; status?: TaskStatus | 'open' | undefined; overdueOnly?: boolean; limit?: number; offset?: number };

/** Tasks the actor may see, newest first, with "quá hạn" computed at `now`. */
export async function listTasks(db: Db, scope: TaskScope, f: TaskFilter, now: Date): Promise<{ rows: TaskListRow[]; total: number }> {
  const status = f.status === 'open' ? sql`t.status in ('todo', 'in_progress')` : f.status ? sql`t.status = ${f.status}` : sql`true`;
  const where = sql`${viewCondition(scope, f.view)} and ${status}`;
  const raw = await queryRows<{
    id: number;
    title: string;
    item: string | null;
    document_id: number | null;
    document_number: string | null;
    status: TaskStatus;
    priority: TaskPriority;
    progress: number;
    assigning_name: string;
    lead_name: string | null;
    member_name: string | null;
    created_at: string | Date;
    deadline_kind: TaskRow['deadlineKind'];
    due_date: string | null;
    due_time: string | null;
    recur_weekday: number | null;
    recur_monthday: number | null;
    recur_until: string | null;
    last_report_at: string | Date | null;
  }>(
    db,
    sql`select t.id, t.title, t.item, t.document_id, d.number as document_number, t.status, t.priority, t.progress, au.name as assigning_name, lu.name as lead_name, p.full_name as member_name,
               t.created_at, t.deadline_kind, t.due_date::text as due_date, t.due_time, t.recur_weekday, t.recur_monthday, t.recur_until::text as recur_until,
               (select max(r.created_at) from task_reports r where r.task_id = t.id and r.review <> 'returned') as last_report_at
        from tasks t
        join units au on au.id = t.assigning_unit_id
        left join units lu on lu.id = t.lead_unit_id
        left join people p on p.id = t.member_person_id
        left join members mm on mm.person_id = t.member_person_id
        left join units mu on mu.id = mm.unit_id
        left join documents d on d.id = t.document_id
        where ${where}
        order by t.id desc
        limit ${f.overdueOnly ? 5000 : (f.limit ?? 50) + (f.offset ?? 0)}`,
  );
  let rows: TaskListRow[] = raw.map((r) => {
    const rule: DeadlineRule = { kind: r.deadline_kind, dueDate: r.due_date, dueTime: r.due_time, recurWeekday: r.recur_weekday, recurMonthday: r.recur_monthday, recurUntil: r.recur_until };
    const createdAt = new Date(r.created_at);
    const lastReportAt = r.last_report_at ? new Date(r.last_report_at) : null;
    return {
      id: Number(r.id),
      title: r.title,
      item: r.item,
      documentId: r.document_id,
      documentNumber: r.document_number,
      status: r.status,
      priority: r.priority,
      progress: r.progress,
      assigningName: r.assigning_name,
      leadName: r.lead_name,
      memberName: r.member_name,
      createdAt,
      rule,
      lastReportAt,
      state: deadlineState({ ...rule, status: r.status, createdAt }, lastReportAt, now),
    };
  });
  if (f.overdueOnly) rows = rows.filter((r) => r.state.overdue);
  const [count] = f.overdueOnly
    ? [{ n: rows.length }]
    : await queryRows<{ n: number | string }>(
        db,
        sql`select count(*) as n from tasks t join units au on au.id = t.assigning_unit_id left join units lu on lu.id = t.lead_unit_id left join members mm on mm.person_id = t.member_person_id left join units mu on mu.id = mm.unit_id where ${where}`,
      );
  const offset = f.offset ?? 0;
  return { rows: rows.slice(offset, offset + (f.limit ?? 50)), total: Number(count?.n ?? 0) };
}

/** Open tasks of a person (their handbook home), and how many are overdue. */
export async function myOpenTasks(db: Db, scope: TaskScope, now: Date): Promise<{ open: number; overdue: number }> {
  const { rows } = await listTasks(db, scope, { view: 'mine', status: 'open', limit: 500 }, now);
  return { open: rows.length, overdue: rows.filter((r) => r.state.overdue).length };
}

// ---------------------------------------------------------------------------------------------
// One task, its subtasks, reports and alerts.

export type TaskNode = TaskRow & { leadName: string | null; memberName: string | null; lastReportAt: Date | null; children: TaskNode[] };

export type ProgressNode = { status: TaskStatus; progress: number; children: ProgressNode[] };

/** Percent done: a task with subtasks is the mean of its subtasks; a done task is 100. */
export function rolledProgress(node: ProgressNode): number {
  if (node.status === 'done') return 100;
  if (node.children.length === 0) return node.progress;
  return Math.round(node.children.reduce((s, c) => s + rolledProgress(c), 0) / node.children.length);
}

/** A task and every task below it, as a tree (one recursive query). */
export async function taskTree(db: Db, id: number): Promise<TaskNode> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`with recursive sub(id) as (select ${id}::int union all select t.id from tasks t join sub on t.parent_id = sub.id) select id from sub`,
  );
  const ids = rows.map((r) => Number(r.id));
  const lu = alias(units, 'lu');
  const list = await db
    .select({ task: tasks, leadName: lu.name, memberName: people.fullName })
    .from(tasks)
    .leftJoin(lu, eq(lu.id, tasks.leadUnitId))
    .leftJoin(people, eq(people.id, tasks.memberPersonId))
    .where(inArray(tasks.id, ids))
    .orderBy(asc(tasks.id));
  const last = await lastReportTimes(db, ids);
  const nodes = new Map<number, TaskNode>(list.map((r) => [r.task.id, { ...r.task, leadName: r.leadName, memberName: r.memberName, lastReportAt: last.get(r.task.id) ?? null, children: [] }]));
  for (const n of nodes.values()) if (n.parentId != null && n.id !== id) nodes.get(n.parentId)?.children.push(n);
  const root = nodes.get(id);
  if (!root) throw notFound('nhiệm vụ');
  return root;
}

/** The time of each task's latest report that was not returned. */
export async function lastReportTimes(db: Db, ids: number[]): Promise<Map<number, Date>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ taskId: taskReports.taskId, at: sql<string | Date>`max(${taskReports.createdAt})` })
    .from(taskReports)
    .where(and(inArray(taskReports.taskId, ids), sql`${taskReports.review} <> 'returned'`))
    .groupBy(taskReports.taskId);
  return new Map(rows.map((r) => [r.taskId, new Date(r.at)]));
}

export type TaskDetail = {
  task: TaskRow;
  tree: TaskNode;
  assigning: Unit;
  lead: Unit | null;
  member: { personId: number; fullName: string; cellId: number | null } | null;
  supports: Unit[];
  document: { id: number; number: string | null; kind: string; subject: string } | null;
  parent: { id: number; title: string } | null;
  alerts: { kind: 'reminder' | 'escalation'; dueAt: Date; createdAt: Date }[];
};

export async function getTaskDetail(db: Db, id: number): Promise<TaskDetail> {
  const task = await getTaskRow(db, id);
  const unitIds = [task.assigningUnitId, ...(task.leadUnitId ? [task.leadUnitId] : [])];
  const supportRows = await db.select({ unit: units }).from(taskSupports).innerJoin(units, eq(units.id, taskSupports.unitId)).where(eq(taskSupports.taskId, id)).orderBy(asc(units.name));
  const unitRows = await db.select().from(units).where(inArray(units.id, unitIds));
  const unitOf = (uid: number) => unitRows.find((u) => u.id === uid)!;
  let member: TaskDetail['member'] = null;
  if (task.memberPersonId) {
    const [p] = await db.select({ personId: people.id, fullName: people.fullName, cellId: members.unitId }).from(people).leftJoin(members, eq(members.personId, people.id)).where(eq(people.id, task.memberPersonId));
    member = p ?? null;
  }
  const [document] = task.documentId ? await db.select({ id: documents.id, number: documents.number, kind: documents.kind, subject: documents.subject }).from(documents).where(eq(documents.id, task.documentId)) : [];
  const [parent] = task.parentId ? await db.select({ id: tasks.id, title: tasks.title }).from(tasks).where(eq(tasks.id, task.parentId)) : [];
  const alerts = await db.select({ kind: taskAlerts.kind, dueAt: taskAlerts.dueAt, createdAt: taskAlerts.createdAt }).from(taskAlerts).where(eq(taskAlerts.taskId, id)).orderBy(desc(taskAlerts.createdAt)).limit(20);
  return {
    task,
    tree: await taskTree(db, id),
    assigning: unitOf(task.assigningUnitId),
    lead: task.leadUnitId ? unitOf(task.leadUnitId) : null,
    member,
    supports: supportRows.map((r) => r.unit),
    document: document ?? null,
    parent: parent ?? null,
    alerts,
  };
}

// ---------------------------------------------------------------------------------------------
// Status

export async function setTaskStatus(db: Db, who: ActingContext, id: number, status: TaskStatus, opts: { now: Date; locale?: Locale }): Promise<void> {
  const m = taskMessages(opts.locale ?? 'vi');
  if (!TASK_STATUSES.includes(status)) throw invalid(m.errors.status, { field: 'status' });
  await db.transaction(async (tx) => {
    const [task] = await tx.select().from(tasks).where(eq(tasks.id, id)).for('update');
    if (!task) throw notFound('nhiệm vụ');
    if (task.status === status) throw invalid(m.errors.sameStatus, { field: 'status' });
    await tx
      .update(tasks)
      .set({ status, updatedAt: opts.now, completedAt: status === 'done' ? opts.now : null, ...(status === 'done' ? { progress: 100 } : {}) })
      .where(eq(tasks.id, id));
    await audit(tx, who, { action: 'task.status', entityType: 'task', entityId: id, unitId: task.assigningUnitId, before: { status: task.status }, after: { status } });
  });
}

// ---------------------------------------------------------------------------------------------
// Editing

/** What the assigning unit may change in a task after creating it. */
export type TaskEdit = Pick<TaskInput, 'title' | 'description' | 'leadUnitId' | 'supportUnitIds' | 'memberPersonId' | 'deadline' | 'priority'>;

/** The stored form of a deadline: the fields a kind does not use are null. */
export function normalRule(d: DeadlineRule): DeadlineRule {
  const recurring = d.kind === 'daily' || d.kind === 'weekly' || d.kind === 'monthly';
  return {
    kind: d.kind,
    dueDate: d.kind === 'none' ? null : d.dueDate,
    dueTime: d.kind === 'none' || d.kind === 'date' ? null : d.dueTime,
    recurWeekday: d.kind === 'weekly' ? d.recurWeekday : null,
    recurMonthday: d.kind === 'monthly' ? d.recurMonthday : null,
    recurUntil: recurring ? d.recurUntil : null,
  };
}

const sameRule = (a: DeadlineRule, b: DeadlineRule) => JSON.stringify(normalRule(a)) === JSON.stringify(normalRule(b));

export const EDIT_FIELDS = ['title', 'description', 'leadUnitId', 'memberPersonId', 'supportUnitIds', 'deadline', 'priority'] as const;
export type EditField = (typeof EDIT_FIELDS)[number];

export type EditResult = { task: TaskRow; changed: EditField[] };

/**
 * Changes a task in its assigning unit's name, in one transaction: validated as at creation
 * (a deadline left as it was is not refused for having passed since), audited with what
 * changed, and the units and member newly given the task told through the one notice path.
 * A task that is done is not edited (its status is changed back first); the lead of a task
 * already split into subtasks stays, and its deadline does not move before theirs. Nothing
 * changed: nothing is written.
 */
export async function editTask(db: Db, who: ActingContext, id: number, edit: TaskEdit, opts: { now: Date; locale?: Locale }): Promise<EditResult> {
  const locale = opts.locale ?? 'vi';
  const m = taskMessages(locale);
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(tasks).where(eq(tasks.id, id)).for('update');
    if (!task) throw notFound('nhiệm vụ');
    if (task.status === 'done') throw new DomainError('conflict', m.errors.editDone);
    const supportsBefore = (await tx.select({ unitId: taskSupports.unitId }).from(taskSupports).where(eq(taskSupports.taskId, id))).map((r) => r.unitId).sort((a, b) => a - b);
    const supportsAfter = [...new Set(edit.supportUnitIds)].sort((a, b) => a - b);
    const ruleBefore = normalRule(ruleOf(task));
    const ruleAfter = normalRule(edit.deadline);
    const deadlineUnchanged = sameRule(ruleBefore, ruleAfter);
    const input: TaskInput = { ...edit, supportUnitIds: supportsAfter, title: edit.title.normalize('NFC').replace(/\s+/g, ' ').trim(), description: edit.description.trim(), parentId: task.parentId, documentId: task.documentId, item: task.item, assigningUnitId: task.assigningUnitId };
    const kept = new Set<number>([...(task.leadUnitId ? [task.leadUnitId] : []), ...supportsBefore]);
    const [errors] = await checkTasks(tx, [input], { now: opts.now, locale, editing: { deadlineUnchanged, keptUnitIds: kept } });
    const children = await tx.select().from(tasks).where(eq(tasks.parentId, id));
    if (children.length && (input.leadUnitId !== task.leadUnitId || input.memberPersonId !== task.memberPersonId)) errors!.leadUnitId ??= m.errors.leadHasSubtasks;
    const ownDue = fixedDue(ruleAfter);
    if (!deadlineUnchanged && ownDue) {
      const later = children.map((c) => ({ c, due: fixedDue(ruleOf(c)) })).filter((x) => x.due && x.due.getTime() > ownDue.getTime());
      if (later.length) errors!.dueDate ??= m.errors.beforeSubtask(formatDueShort(ruleOf(later[0]!.c)));
    }
    const problems = Object.entries(errors!);
    if (problems.length) {
      const [field, message] = problems[0]!;
      throw invalid(message, { field, errors: errors! });
    }

    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const changed: EditField[] = [];
    const note = (field: EditField, b: unknown, a: unknown) => {
      if (JSON.stringify(b) === JSON.stringify(a)) return;
      changed.push(field);
      before[field] = b;
      after[field] = a;
    };
    note('title', task.title, input.title);
    note('description', task.description, input.description);
    note('leadUnitId', task.leadUnitId, input.leadUnitId);
    note('memberPersonId', task.memberPersonId, input.memberPersonId);
    note('supportUnitIds', supportsBefore, supportsAfter);
    if (!deadlineUnchanged) note('deadline', ruleBefore, ruleAfter);
    note('priority', task.priority, input.priority);
    if (changed.length === 0) return { task, changed };

    const [row] = await tx
      .update(tasks)
      .set({
        title: input.title,
        description: input.description,
        leadUnitId: input.leadUnitId,
        memberPersonId: input.memberPersonId,
        deadlineKind: ruleAfter.kind,
        dueDate: ruleAfter.dueDate,
        dueTime: ruleAfter.dueTime,
        recurWeekday: ruleAfter.recurWeekday,
        recurMonthday: ruleAfter.recurMonthday,
        recurUntil: ruleAfter.recurUntil,
        priority: input.priority,
        updatedAt: opts.now,
      })
      .where(eq(tasks.id, id))
      .returning();
    const removed = supportsBefore.filter((u) => !supportsAfter.includes(u));
    const added = supportsAfter.filter((u) => !supportsBefore.includes(u));
    if (removed.length) await tx.delete(taskSupports).where(and(eq(taskSupports.taskId, id), inArray(taskSupports.unitId, removed)));
    if (added.length) await tx.insert(taskSupports).values(added.map((unitId) => ({ taskId: id, unitId })));
    await audit(tx, who, { action: 'task.update', entityType: 'task', entityId: id, unitId: task.assigningUnitId, before, after });
    const newLead = input.leadUnitId != null && input.leadUnitId !== task.leadUnitId ? input.leadUnitId : null;
    const newMember = input.memberPersonId != null && input.memberPersonId !== task.memberPersonId ? input.memberPersonId : null;
    if (newLead != null || newMember != null || added.length) {
      const [assigning] = await tx.select({ name: units.name }).from(units).where(eq(units.id, task.assigningUnitId));
      await noticeAdded(tx, who, row!, { leadUnitId: newLead, memberPersonId: newMember, supportUnitIds: added }, assigning?.name ?? '');
    }
    return { task: row!, changed };
  });
}

/** Units below `unit` a task could be split to: its active children and grandchildren (not external). */
export async function lowerUnits(db: Db, unit: Pick<Unit, 'path' | 'depth'>, maxDepth = 2): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    .where(and(sql`${units.path} like ${`${unit.path}%`}`, sql`${units.depth} > ${unit.depth} and ${units.depth} <= ${unit.depth + maxDepth}`, eq(units.status, 'active')))
    .orderBy(asc(units.path));
}

export function isDomainInvalid(e: unknown): e is DomainError {
  return e instanceof DomainError && e.code === 'invalid';
}
