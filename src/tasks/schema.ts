// Tasks from directives (giao nhiệm vụ): one row per task — assigned by a unit to a lead unit
// (chủ trì, with supporting units, phối hợp) or to one member — with a deadline that is a date,
// a date and hour, or a recurring rule; subtasks of a task for the lead unit's lower units;
// progress reports with figures and files, accepted or returned by the assigner; and the
// reminders and escalations the deadline job has sent. "Quá hạn" (overdue) is never stored: it
// is computed from the deadline in Asia/Ho_Chi_Minh when read (src/tasks/deadline.ts).
import { sql } from 'drizzle-orm';
import { boolean, check, customType, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { units } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** none: no deadline; date: by the end of a day; datetime: by an hour of a day; daily/weekly/monthly: recurring. */
export const DEADLINE_KINDS = ['none', 'date', 'datetime', 'daily', 'weekly', 'monthly'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
/** chưa thực hiện, đang thực hiện, hoàn thành, tạm dừng. */
export const TASK_STATUSES = ['todo', 'in_progress', 'done', 'paused'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const REVIEW_STATES = ['pending', 'accepted', 'returned'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const ALERT_KINDS = ['reminder', 'escalation'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type Figure = { label: string; value: number; unit: string | null };

export const tasks = pgTable(
  'tasks',
  {
    id: serial('id').primaryKey(),
    /** The task this one was split from (a subtask for a lower unit). */
    parentId: integer('parent_id').references((): AnyPgColumn => tasks.id),
    /** The directive the task comes from (subtasks keep their parent's), and its item ("4", "5.2"). */
    documentId: integer('document_id').references(() => documents.id),
    item: text('item'),
    assigningUnitId: integer('assigning_unit_id')
      .notNull()
      .references(() => units.id),
    /** Chủ trì: a unit, in either tree — or, instead, one member. */
    leadUnitId: integer('lead_unit_id').references(() => units.id),
    memberPersonId: integer('member_person_id').references(() => people.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    deadlineKind: text('deadline_kind', { enum: DEADLINE_KINDS }).notNull(),
    /** date/datetime: the day it is due; recurring: the first day the rule applies. */
    dueDate: date('due_date'),
    /** "HH:MM" in Asia/Ho_Chi_Minh (datetime and recurring). */
    dueTime: text('due_time'),
    /** Weekly: 1 (Monday) … 7 (Sunday). */
    recurWeekday: integer('recur_weekday'),
    /** Monthly: 1 … 31 (a day past the month's end means its last day). */
    recurMonthday: integer('recur_monthday'),
    /** Recurring: the last day the rule applies (none: until the task is done). */
    recurUntil: date('recur_until'),
    priority: text('priority', { enum: TASK_PRIORITIES }).notNull().default('normal'),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('todo'),
    /** Percent done as last accepted (a task with subtasks shows their roll-up instead). */
    progress: integer('progress').notNull().default(0),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('tasks_document_idx').on(t.documentId),
    index('tasks_parent_idx').on(t.parentId),
    index('tasks_assigning_idx').on(t.assigningUnitId),
    index('tasks_lead_idx').on(t.leadUnitId),
    index('tasks_member_idx').on(t.memberPersonId),
    check('tasks_one_assignee', sql`(${t.leadUnitId} is null) <> (${t.memberPersonId} is null)`),
    check('tasks_progress_range', sql`${t.progress} between 0 and 100`),
    check('tasks_title_present', sql`length(${t.title}) > 0`),
  ],
);

/** Phối hợp: the units asked to support a task. */
export const taskSupports = pgTable(
  'task_supports',
  {
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.unitId] }), index('task_supports_unit_idx').on(t.unitId)],
);

/** Progress reports: text, figures and files, from the lead or a supporting unit (or the member). */
export const taskReports = pgTable(
  'task_reports',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    /** The unit reporting (null when the assigned member reports). */
    unitId: integer('unit_id').references(() => units.id),
    authorAccountId: integer('author_account_id'),
    /** Recorded by someone else for a member without a phone. */
    onBehalfOfPersonId: integer('on_behalf_of_person_id').references(() => people.id),
    body: text('body').notNull(),
    figures: jsonb('figures').$type<Figure[]>().notNull().default([]),
    /** The percent done the reporter states (null: not stated). */
    progress: integer('progress'),
    /** The reporter asks the assigner to mark the task done. */
    proposeDone: boolean('propose_done').notNull().default(false),
    review: text('review', { enum: REVIEW_STATES }).notNull().default('pending'),
    reviewNote: text('review_note'),
    reviewedBy: integer('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('task_reports_task_idx').on(t.taskId, t.createdAt), check('task_reports_progress_range', sql`${t.progress} is null or ${t.progress} between 0 and 100`)],
);

export const taskReportFiles = pgTable(
  'task_report_files',
  {
    id: serial('id').primaryKey(),
    reportId: integer('report_id')
      .notNull()
      .references(() => taskReports.id),
    fileName: text('file_name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('task_report_files_report_idx').on(t.reportId)],
);

/** Reminders before a deadline and escalations after it: one per task, kind and deadline instant. */
export const taskAlerts = pgTable(
  'task_alerts',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    /** The deadline the alert is about (for a recurring task, one occurrence). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('task_alerts_once_key').on(t.taskId, t.kind, t.dueAt)],
);

export type TaskRow = typeof tasks.$inferSelect;
export type TaskReportRow = typeof taskReports.$inferSelect;
