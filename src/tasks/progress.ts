// Progress reports on a task: text, figures and files from the lead unit, a supporting unit or
// the assigned member (recorded by their cell secretary when they have no phone); the assigning
// unit accepts them (the task's progress, or "done" when asked) or returns them with a reason.
import crypto from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { invalid, notFound } from '../core/errors.ts';
import type { Locale } from '../core/i18n/i18n.ts';
import { accounts } from '../core/auth/schema.ts';
import { units } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { taskMessages } from './messages.ts';
import { noticeReturned } from './notices.ts';
import { parseNumber } from './numbers.ts';
import { taskReportFiles, taskReports, tasks, type Figure, type ReviewState } from './schema.ts';

export type ReportFile = { fileName: string; mime: string; bytes: Buffer };
export type ProgressInput = {
  taskId: number;
  unitId: number | null;
  body: string;
  figures: Figure[];
  progress: number | null;
  proposeDone: boolean;
  files: ReportFile[];
  onBehalfOfPersonId: number | null;
};

/** "Số buổi tuyên truyền: 12 buổi" per line → figures; the first wrong line is named. */
export function parseFigures(text: string, locale: Locale = 'vi'): { ok: true; figures: Figure[] } | { ok: false; error: string } {
  const m = taskMessages(locale);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  if (lines.length > 30) return { ok: false, error: m.errors.tooManyFigures };
  const figures: Figure[] = [];
  for (const line of lines) {
    const match = /^(.{1,200}?)\s*[:=]\s*(-?[\d.,]+)\s*(.{0,40})$/u.exec(line);
    const value = match ? parseNumber(match[2]!) : null;
    if (!match || value == null) return { ok: false, error: m.errors.figureLine(line.length > 60 ? `${line.slice(0, 57)}…` : line) };
    figures.push({ label: match[1]!.trim(), value, unit: match[3]!.trim() || null });
  }
  return { ok: true, figures };
}

export function checkProgressInput(input: Pick<ProgressInput, 'body' | 'progress'>, locale: Locale = 'vi'): Record<string, string> {
  const m = taskMessages(locale);
  const errors: Record<string, string> = {};
  if (!input.body.trim()) errors.body = m.errors.reportBody;
  else if (input.body.length > 10_000) errors.body = m.errors.reportBodyLong;
  if (input.progress != null && !(Number.isInteger(input.progress) && input.progress >= 0 && input.progress <= 100)) errors.progress = m.errors.progress;
  return errors;
}

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Records a progress report with its files, in one transaction; a task not started becomes "in progress". */
export async function addProgressReport(db: Db, who: ActingContext, input: ProgressInput, opts: { now: Date; locale?: Locale }): Promise<number> {
  const m = taskMessages(opts.locale ?? 'vi');
  const errors = checkProgressInput(input, opts.locale);
  const first = Object.entries(errors)[0];
  if (first) throw invalid(first[1], { field: first[0] });
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(tasks).where(eq(tasks.id, input.taskId)).for('update');
    if (!task) throw notFound('nhiệm vụ');
    if (task.status === 'done') throw invalid(m.errors.taskClosed, { field: '_form' });
    if (input.unitId == null && task.memberPersonId == null) throw invalid(m.errors.reportUnit, { field: 'unitId' });
    const [report] = await tx
      .insert(taskReports)
      .values({
        taskId: task.id,
        unitId: input.unitId,
        authorAccountId: who.accountId,
        onBehalfOfPersonId: input.onBehalfOfPersonId,
        body: input.body.trim(),
        figures: input.figures,
        progress: input.progress,
        proposeDone: input.proposeDone,
        createdAt: opts.now,
      })
      .returning({ id: taskReports.id });
    for (const f of input.files) await tx.insert(taskReportFiles).values({ reportId: report!.id, fileName: f.fileName, mime: f.mime, size: f.bytes.length, sha256: sha256(f.bytes), content: f.bytes });
    if (task.status === 'todo') await tx.update(tasks).set({ status: 'in_progress', updatedAt: opts.now }).where(eq(tasks.id, task.id));
    await audit(tx, who, {
      action: 'task.report',
      entityType: 'task',
      entityId: task.id,
      unitId: input.unitId ?? task.assigningUnitId,
      after: { reportId: report!.id, progress: input.progress, proposeDone: input.proposeDone, figures: input.figures, files: input.files.map((f) => f.fileName) },
      onBehalfOfPersonId: input.onBehalfOfPersonId,
    });
    return report!.id;
  });
}

/** The assigning unit accepts a report (progress, or done when asked) or returns it with a reason. */
export async function reviewProgressReport(db: Db, who: ActingContext, reportId: number, decision: { accept: boolean; note: string | null }, opts: { now: Date; locale?: Locale }): Promise<void> {
  const m = taskMessages(opts.locale ?? 'vi');
  const note = decision.note?.trim() || null;
  if (!decision.accept && !note) throw invalid(m.errors.reviewNote, { field: 'reviewNote' });
  if (note && note.length > 2000) throw invalid(m.errors.reviewNoteLong, { field: 'reviewNote' });
  await db.transaction(async (tx) => {
    const [report] = await tx.select().from(taskReports).where(eq(taskReports.id, reportId)).for('update');
    if (!report) throw notFound('báo cáo');
    if (report.review !== 'pending') throw invalid(m.errors.alreadyReviewed, { field: '_form' });
    if (who.accountId != null && report.authorAccountId === who.accountId) throw invalid(m.errors.ownReport, { field: '_form' });
    const review: ReviewState = decision.accept ? 'accepted' : 'returned';
    await tx.update(taskReports).set({ review, reviewNote: note, reviewedBy: who.accountId, reviewedAt: opts.now }).where(eq(taskReports.id, reportId));
    const [task] = await tx.select().from(tasks).where(eq(tasks.id, report.taskId)).for('update');
    if (decision.accept && task) {
      if (report.proposeDone && task.status !== 'done') await tx.update(tasks).set({ status: 'done', progress: 100, completedAt: opts.now, updatedAt: opts.now }).where(eq(tasks.id, task.id));
      else if (report.progress != null && task.status !== 'done') await tx.update(tasks).set({ progress: report.progress, updatedAt: opts.now }).where(eq(tasks.id, task.id));
    }
    if (!decision.accept && task && report.authorAccountId != null) {
      const [author] = await tx.select({ personId: accounts.personId }).from(accounts).where(eq(accounts.id, report.authorAccountId));
      if (author) await noticeReturned(tx, who, { taskId: task.id, title: task.title, authorPersonId: author.personId, note: note!, assigningUnitId: task.assigningUnitId });
    }
    await audit(tx, who, { action: 'task.review', entityType: 'task', entityId: report.taskId, unitId: task?.assigningUnitId ?? null, after: { reportId, review, note } });
  });
}

export type ReportView = {
  id: number;
  taskId: number;
  unitId: number | null;
  unitName: string | null;
  authorName: string | null;
  authorAccountId: number | null;
  onBehalfOfName: string | null;
  body: string;
  figures: Figure[];
  progress: number | null;
  proposeDone: boolean;
  review: ReviewState;
  reviewNote: string | null;
  reviewerName: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  files: { id: number; fileName: string; size: number }[];
};

/** The reports of some tasks, newest first, with their files (names only). */
export async function listProgressReports(db: Db, taskIds: number[]): Promise<ReportView[]> {
  if (taskIds.length === 0) return [];
  const author = alias(people, 'author');
  const behalf = alias(people, 'behalf');
  const reviewerAcc = alias(accounts, 'reviewer_acc');
  const reviewer = alias(people, 'reviewer');
  const rows = await db
    .select({ r: taskReports, unitName: units.name, authorName: author.fullName, onBehalfOfName: behalf.fullName, reviewerName: reviewer.fullName })
    .from(taskReports)
    .leftJoin(units, eq(units.id, taskReports.unitId))
    .leftJoin(accounts, eq(accounts.id, taskReports.authorAccountId))
    .leftJoin(author, eq(author.id, accounts.personId))
    .leftJoin(behalf, eq(behalf.id, taskReports.onBehalfOfPersonId))
    .leftJoin(reviewerAcc, eq(reviewerAcc.id, taskReports.reviewedBy))
    .leftJoin(reviewer, eq(reviewer.id, reviewerAcc.personId))
    .where(inArray(taskReports.taskId, taskIds))
    .orderBy(asc(taskReports.createdAt), asc(taskReports.id));
  const ids = rows.map((r) => r.r.id);
  const files = ids.length
    ? await db.select({ id: taskReportFiles.id, reportId: taskReportFiles.reportId, fileName: taskReportFiles.fileName, size: taskReportFiles.size }).from(taskReportFiles).where(inArray(taskReportFiles.reportId, ids)).orderBy(asc(taskReportFiles.id))
    : [];
  return rows
    .map(({ r, unitName, authorName, onBehalfOfName, reviewerName }) => ({
      id: r.id,
      taskId: r.taskId,
      unitId: r.unitId,
      unitName,
      authorName,
      authorAccountId: r.authorAccountId,
      onBehalfOfName,
      body: r.body,
      figures: r.figures,
      progress: r.progress,
      proposeDone: r.proposeDone,
      review: r.review,
      reviewNote: r.reviewNote,
      reviewerName,
      reviewedAt: r.reviewedAt,
      createdAt: r.createdAt,
      files: files.filter((f) => f.reportId === r.id).map((f) => ({ id: f.id, fileName: f.fileName, size: f.size })),
    }))
    .reverse();
}

export async function getReportFile(db: Db, taskId: number, reportId: number, fileId: number) {
  const [row] = await db
    .select({ fileName: taskReportFiles.fileName, mime: taskReportFiles.mime, content: taskReportFiles.content })
    .from(taskReportFiles)
    .innerJoin(taskReports, eq(taskReports.id, taskReportFiles.reportId))
    .where(and(eq(taskReportFiles.id, fileId), eq(taskReportFiles.reportId, reportId), eq(taskReports.taskId, taskId)));
  if (!row) throw notFound('tệp');
  return row;
}

export async function getReportRow(db: Db, id: number) {
  const [row] = await db.select().from(taskReports).where(eq(taskReports.id, id));
  if (!row) throw notFound('báo cáo');
  return row;
}
