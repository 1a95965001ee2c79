// Templates and submissions: creating a template; which units must submit it; one submission
// per unit and period, kept as versions — corrected freely until a unit above locks the period,
// then only as a correction the unit above approves (or rejects). Each write is one transaction
// with its audit entry; a refused submission leaves nothing behind.
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError, invalid, notFound } from '../core/errors.ts';
import type { Locale } from '../core/i18n/i18n.ts';
import { pathIds } from '../org/tree.ts';
import { units, type Unit } from '../org/schema.ts';
import { reportMessages } from './messages.ts';
import { currentPeriod, isPeriod, periodDeadline } from './periods.ts';
import { readValues, type TemplateInput } from './definition.ts';
import { reportLocks, reportSubmissions, reportTemplates, type ReportTemplate, type Submission, type Values } from './schema.ts';

export async function getTemplate(db: Db, id: number): Promise<ReportTemplate> {
  const [t] = await db.select().from(reportTemplates).where(eq(reportTemplates.id, id));
  if (!t) throw notFound('mẫu báo cáo');
  return t;
}

export async function createTemplate(db: Db, who: ActingContext, input: TemplateInput & { ownerUnitId: number; scopeUnitId: number; code?: string | null }, locale: Locale = 'vi'): Promise<ReportTemplate> {
  const m = reportMessages(locale).errors;
  return db.transaction(async (tx) => {
    const [owner] = await tx.select().from(units).where(eq(units.id, input.ownerUnitId));
    const [scope] = await tx.select().from(units).where(eq(units.id, input.scopeUnitId));
    if (!owner || !scope || !scope.path.startsWith(owner.path)) throw invalid(m.scope, { field: 'scopeUnitId' });
    const [n] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(units)
      .where(and(sql`${units.path} like ${`${scope.path}%`}`, inArray(units.kind, input.unitKinds), eq(units.status, 'active')));
    if (!n || Number(n.n) === 0) throw invalid(m.noTargets, { field: 'kinds' });
    const [row] = await tx
      .insert(reportTemplates)
      .values({
        ownerUnitId: owner.id,
        code: input.code ?? null,
        name: input.name,
        description: input.description,
        fields: input.fields,
        rules: input.rules,
        scheduleKind: input.scheduleKind,
        deadlineTime: input.deadlineTime,
        weekday: input.weekday,
        monthday: input.monthday,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        scopeUnitId: scope.id,
        unitKinds: input.unitKinds,
        createdBy: who.accountId,
      })
      .returning();
    await audit(tx, who, { action: 'report.template_create', entityType: 'report_template', entityId: row!.id, unitId: owner.id, after: { name: row!.name, fields: row!.fields.map((f) => f.key), scheduleKind: row!.scheduleKind, deadlineTime: row!.deadlineTime, scopeUnitId: scope.id, unitKinds: input.unitKinds } });
    return row!;
  });
}

export type TargetUnit = Pick<Unit, 'id' | 'name' | 'path' | 'parentId' | 'depth'>;

/** The units that must submit a template, optionally only those in `under`'s subtree. */
export async function targetUnits(db: Db, t: ReportTemplate, under?: Pick<Unit, 'path'>): Promise<TargetUnit[]> {
  const [scope] = await db.select({ path: units.path }).from(units).where(eq(units.id, t.scopeUnitId));
  if (!scope) return [];
  const prefix = under && under.path.startsWith(scope.path) ? under.path : scope.path;
  if (under && !under.path.startsWith(scope.path) && !scope.path.startsWith(under.path)) return [];
  return db
    .select({ id: units.id, name: units.name, path: units.path, parentId: units.parentId, depth: units.depth })
    .from(units)
    .where(and(sql`${units.path} like ${`${prefix}%`}`, inArray(units.kind, t.unitKinds), eq(units.status, 'active')))
    .orderBy(asc(units.path));
}

/** Is this unit one that must submit the template? */
export async function isTarget(db: Db, t: ReportTemplate, unit: Pick<Unit, 'id' | 'path' | 'kind' | 'status'>): Promise<boolean> {
  if (unit.status !== 'active' || !t.unitKinds.includes(unit.kind)) return false;
  const [scope] = await db.select({ path: units.path }).from(units).where(eq(units.id, t.scopeUnitId));
  return !!scope && unit.path.startsWith(scope.path);
}

/** The lock on a period by any unit above (or at) this unit, if any. */
export async function lockOver(db: Db, templateId: number, unitPath: string, period: string) {
  const ids = pathIds(unitPath);
  const [lock] = await db
    .select()
    .from(reportLocks)
    .where(and(eq(reportLocks.templateId, templateId), eq(reportLocks.period, period), inArray(reportLocks.unitId, ids)))
    .orderBy(asc(reportLocks.lockedAt))
    .limit(1);
  return lock ?? null;
}

export type SubmitInput = { templateId: number; unitId: number; period: string; raw: Record<string, unknown>; note: string | null };
export type SubmitResult = { submission: Submission; kind: 'submitted' | 'corrected' | 'pending'; late: boolean };

/** Key order does not matter (jsonb stores keys in its own order). */
const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}` : JSON.stringify(v ?? null);
const sameValues = (a: Values, b: Values) => canonical(a) === canonical(b);

/**
 * Submits (or corrects) a unit's report for a period. Refused, with nothing saved: a unit that
 * does not submit this template, a period that is not one of it or has not come yet, a period
 * locked before anything was submitted, values failing their checks, a correction of a locked
 * period without a reason. Errors carry the field in `details.field` (or `details.errors`).
 */
export async function submitReport(db: Db, who: ActingContext, input: SubmitInput, opts: { now: Date; locale?: Locale }): Promise<SubmitResult> {
  const locale = opts.locale ?? 'vi';
  const m = reportMessages(locale).errors;
  const t = await getTemplate(db, input.templateId);
  if (t.status !== 'active') throw invalid(m.templateInactive, { field: '_form' });
  const [unit] = await db.select().from(units).where(eq(units.id, input.unitId));
  if (!unit || !(await isTarget(db, t, unit))) throw invalid(m.notTarget, { field: '_form' });
  if (!isPeriod(t, input.period)) throw invalid(m.period, { field: 'period' });
  if (input.period > currentPeriod(t, opts.now)) throw invalid(m.future, { field: 'period' });
  const read = readValues(t.fields, t.rules, input.raw, locale);
  if (!read.ok) throw new DomainError('invalid', Object.values(read.errors)[0]!, { field: Object.keys(read.errors)[0]!, errors: read.errors });
  const note = input.note?.trim() || null;
  if (note && note.length > 1000) throw invalid(m.noteLong, { field: 'note' });
  const dueAt = periodDeadline(t, input.period);
  try {
    return await db.transaction(async (tx) => {
      const lock = await lockOver(tx, t.id, unit.path, input.period);
      const versions = await tx
        .select()
        .from(reportSubmissions)
        .where(and(eq(reportSubmissions.templateId, t.id), eq(reportSubmissions.unitId, unit.id), eq(reportSubmissions.period, input.period)))
        .orderBy(desc(reportSubmissions.version))
        .for('update');
      const current = versions.find((v) => v.status === 'current');
      const version = (versions[0]?.version ?? 0) + 1;
      const row = { templateId: t.id, unitId: unit.id, period: input.period, version, values: read.values, dueAt, submittedBy: who.accountId, submittedAt: opts.now, note };
      if (!current) {
        if (lock) throw invalid(m.locked, { field: '_form' });
        const [s] = await tx.insert(reportSubmissions).values({ ...row, status: 'current' }).returning();
        await audit(tx, who, { action: 'report.submit', entityType: 'report_submission', entityId: s!.id, unitId: unit.id, after: { templateId: t.id, period: input.period, version, values: read.values, late: opts.now > dueAt } });
        const first = versions.find((v) => v.version === 1);
        return { submission: s!, kind: 'submitted' as const, late: (first?.submittedAt ?? opts.now) > dueAt };
      }
      if (sameValues(current.values, read.values)) throw invalid(m.unchanged, { field: '_form' });
      const firstLate = (versions.find((v) => v.version === 1)?.submittedAt ?? current.submittedAt) > current.dueAt;
      if (lock) {
        if (!note) throw invalid(m.noteRequired, { field: 'note' });
        if (versions.some((v) => v.status === 'pending')) throw invalid(m.pendingExists, { field: '_form' });
        const [s] = await tx.insert(reportSubmissions).values({ ...row, status: 'pending' }).returning();
        await audit(tx, who, { action: 'report.correct', entityType: 'report_submission', entityId: s!.id, unitId: unit.id, before: { version: current.version, values: current.values }, after: { version, values: read.values, note, pending: true } });
        return { submission: s!, kind: 'pending' as const, late: firstLate };
      }
      await tx.update(reportSubmissions).set({ status: 'superseded' }).where(eq(reportSubmissions.id, current.id));
      const [s] = await tx.insert(reportSubmissions).values({ ...row, status: 'current' }).returning();
      await audit(tx, who, { action: 'report.correct', entityType: 'report_submission', entityId: s!.id, unitId: unit.id, before: { version: current.version, values: current.values }, after: { version, values: read.values, note } });
      return { submission: s!, kind: 'corrected' as const, late: firstLate };
    });
  } catch (e) {
    // Two first submissions at once: the unique keys let one through; the other is told so.
    const err = e as { code?: string; cause?: { code?: string } };
    if (err.code === '23505' || err.cause?.code === '23505') throw new DomainError('conflict', m.concurrent);
    throw e;
  }
}

/** A unit above the submitting units locks a period: their figures are then final unless it approves a correction. */
export async function lockPeriod(db: Db, who: ActingContext, input: { templateId: number; unitId: number; period: string }, opts: { now: Date; locale?: Locale }): Promise<void> {
  const m = reportMessages(opts.locale ?? 'vi').errors;
  const t = await getTemplate(db, input.templateId);
  if (!isPeriod(t, input.period)) throw invalid(m.period, { field: 'period' });
  if (input.period > currentPeriod(t, opts.now)) throw invalid(m.lockFuture, { field: 'period' });
  const [unit] = await db.select().from(units).where(eq(units.id, input.unitId));
  if (!unit) throw notFound('đơn vị');
  const below = (await targetUnits(db, t, unit)).filter((u) => u.id !== unit.id);
  if (below.length === 0) throw invalid(m.nothingBelow, { field: '_form' });
  await db.transaction(async (tx) => {
    const rows = await tx.insert(reportLocks).values({ templateId: t.id, unitId: unit.id, period: input.period, lockedBy: who.accountId, lockedAt: opts.now }).onConflictDoNothing().returning({ unitId: reportLocks.unitId });
    if (rows.length === 0) throw invalid(m.alreadyLocked, { field: '_form' });
    await audit(tx, who, { action: 'report.lock', entityType: 'report_template', entityId: t.id, unitId: unit.id, after: { period: input.period } });
  });
}

/** The unit above approves a pending correction (it becomes the figures that count) or rejects it. */
export async function reviewCorrection(db: Db, who: ActingContext, submissionId: number, approve: boolean, opts: { now: Date; locale?: Locale }): Promise<Submission> {
  const m = reportMessages(opts.locale ?? 'vi').errors;
  return db.transaction(async (tx) => {
    const [s] = await tx.select().from(reportSubmissions).where(eq(reportSubmissions.id, submissionId)).for('update');
    if (!s) throw notFound('báo cáo');
    if (s.status !== 'pending') throw invalid(m.notPending, { field: '_form' });
    if (approve) {
      await tx
        .update(reportSubmissions)
        .set({ status: 'superseded' })
        .where(and(eq(reportSubmissions.templateId, s.templateId), eq(reportSubmissions.unitId, s.unitId), eq(reportSubmissions.period, s.period), eq(reportSubmissions.status, 'current')));
    }
    const [row] = await tx
      .update(reportSubmissions)
      .set({ status: approve ? 'current' : 'rejected', reviewedBy: who.accountId, reviewedAt: opts.now })
      .where(eq(reportSubmissions.id, s.id))
      .returning();
    await audit(tx, who, { action: approve ? 'report.approve' : 'report.reject', entityType: 'report_submission', entityId: s.id, unitId: s.unitId, after: { period: s.period, version: s.version } });
    return row!;
  });
}

export async function getSubmission(db: Db, id: number): Promise<Submission> {
  const [s] = await db.select().from(reportSubmissions).where(eq(reportSubmissions.id, id));
  if (!s) throw notFound('báo cáo');
  return s;
}

/** Every version of a unit's report for a period, newest first. */
export async function versionsOf(db: Db, templateId: number, unitId: number, period: string): Promise<Submission[]> {
  return db
    .select()
    .from(reportSubmissions)
    .where(and(eq(reportSubmissions.templateId, templateId), eq(reportSubmissions.unitId, unitId), eq(reportSubmissions.period, period)))
    .orderBy(desc(reportSubmissions.version));
}

/** Pending corrections of units below `under` (for the units above to decide). */
export async function pendingCorrections(db: Db, templateId: number, under: Pick<Unit, 'id' | 'path'>) {
  return db
    .select({ s: reportSubmissions, unitName: units.name, unitPath: units.path })
    .from(reportSubmissions)
    .innerJoin(units, eq(units.id, reportSubmissions.unitId))
    .where(and(eq(reportSubmissions.templateId, templateId), eq(reportSubmissions.status, 'pending'), sql`${units.path} like ${`${under.path}%`}`, ne(units.id, under.id)))
    .orderBy(asc(reportSubmissions.period), asc(units.path));
}

/** The templates some units submit (by scope and kind) or whose scope lies under or over them. */
export async function templatesFor(db: Db, unitPaths: string[]): Promise<(ReportTemplate & { scopePath: string })[]> {
  if (unitPaths.length === 0) return [];
  const rows = await db
    .select({ t: reportTemplates, scopePath: units.path })
    .from(reportTemplates)
    .innerJoin(units, eq(units.id, reportTemplates.scopeUnitId))
    .where(eq(reportTemplates.status, 'active'))
    .orderBy(asc(reportTemplates.name));
  return rows.filter((r) => unitPaths.some((p) => p.startsWith(r.scopePath) || r.scopePath.startsWith(p))).map((r) => ({ ...r.t, scopePath: r.scopePath }));
}
