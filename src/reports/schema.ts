// Periodic reports (báo cáo định kỳ): a template — its fields, validation rules, schedule and
// the units that must submit (a subtree, by kind) — collected by its owner unit; one submission
// per unit and period, kept as versions (a correction after the parent locked the period waits
// for the parent's approval); and the parents' locks on periods.
import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { units, type UnitKind } from '../org/schema.ts';

export const FIELD_TYPES = ['integer', 'decimal', 'text', 'choice', 'table'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const AGGREGATES = ['sum', 'avg', 'none'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
export const SCHEDULE_KINDS = ['daily', 'weekly', 'monthly', 'once'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];
export const SUBMISSION_STATUSES = ['current', 'superseded', 'pending', 'rejected'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export type TableColumn = { key: string; label: string; type: 'integer' | 'decimal' | 'text' };
export type FieldDef = {
  /** Letters, digits and "_", starting with a letter: the key in a submission's values. */
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  /** integer/decimal: the smallest allowed value (0: "không âm"). */
  min?: number | null;
  /** integer/decimal: how values add up the tree ("none": only per-unit tables). */
  aggregate?: Aggregate;
  /** A unit of measure shown beside the number ("người", "mẫu"). */
  unit?: string | null;
  choices?: string[];
  columns?: TableColumn[];
};
/** left₁ + left₂ + … ≤ right (all numeric fields of the template). */
export type RuleDef = { kind: 'lte'; left: string[]; right: string };
export type TableRowValue = Record<string, string | number | null>;
export type FieldValue = string | number | null | TableRowValue[];
export type Values = Record<string, FieldValue>;

export const reportTemplates = pgTable(
  'report_templates',
  {
    id: serial('id').primaryKey(),
    /** The unit that collects the report: its staff manage the template. */
    ownerUnitId: integer('owner_unit_id')
      .notNull()
      .references(() => units.id),
    /** A stable code for templates the product ships ("covid19-daily"). */
    code: text('code'),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    fields: jsonb('fields').$type<FieldDef[]>().notNull(),
    rules: jsonb('rules').$type<RuleDef[]>().notNull().default([]),
    scheduleKind: text('schedule_kind', { enum: SCHEDULE_KINDS }).notNull(),
    /** "HH:MM" in Asia/Ho_Chi_Minh: submissions are due before it on the due day. */
    deadlineTime: text('deadline_time').notNull(),
    /** Weekly: the due day, 1 (Monday) … 7 (Sunday). */
    weekday: integer('weekday'),
    /** Monthly: the due day of the month, 1 … 31 (past the month's end: its last day). */
    monthday: integer('monthday'),
    /** The first period (once: the due day). */
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on'),
    /** Units that must submit: of these kinds, in this unit's subtree. */
    scopeUnitId: integer('scope_unit_id')
      .notNull()
      .references(() => units.id),
    unitKinds: jsonb('unit_kinds').$type<UnitKind[]>().notNull(),
    status: text('status', { enum: ['active', 'archived'] }).notNull().default('active'),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('report_templates_code_key').on(t.code), index('report_templates_scope_idx').on(t.scopeUnitId), check('report_templates_name_present', sql`length(${t.name}) > 0`)],
);

export const reportSubmissions = pgTable(
  'report_submissions',
  {
    id: serial('id').primaryKey(),
    templateId: integer('template_id')
      .notNull()
      .references(() => reportTemplates.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    /** The first day of the period (a day, the Monday of a week, the 1st of a month; once: the due day). */
    period: date('period').notNull(),
    version: integer('version').notNull(),
    values: jsonb('values').$type<Values>().notNull(),
    /** current: the figures that count; superseded: an earlier version; pending: a correction awaiting the parent; rejected. */
    status: text('status', { enum: SUBMISSION_STATUSES }).notNull(),
    /** The period's deadline when this version was made: a first version after it was late. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    submittedBy: integer('submitted_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    /** Why a correction was made (required once the period is locked). */
    note: text('note'),
    reviewedBy: integer('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('report_submissions_version_key').on(t.templateId, t.unitId, t.period, t.version),
    uniqueIndex('report_submissions_current_key').on(t.templateId, t.unitId, t.period).where(sql`${t.status} = 'current'`),
    uniqueIndex('report_submissions_pending_key').on(t.templateId, t.unitId, t.period).where(sql`${t.status} = 'pending'`),
    index('report_submissions_period_idx').on(t.templateId, t.period),
    check('report_submissions_version_positive', sql`${t.version} >= 1`),
  ],
);

/** A parent unit's lock on one period of a template: its children's submissions are then final. */
export const reportLocks = pgTable(
  'report_locks',
  {
    templateId: integer('template_id')
      .notNull()
      .references(() => reportTemplates.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    period: date('period').notNull(),
    lockedBy: integer('locked_by'),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.unitId, t.period] })],
);

export type ReportTemplate = typeof reportTemplates.$inferSelect;
export type Submission = typeof reportSubmissions.$inferSelect;
