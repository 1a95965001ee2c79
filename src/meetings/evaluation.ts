// Đánh giá, xếp loại chất lượng đảng viên (Quy định 366-QĐ/TW): each member's self-assessment,
// the cell's proposal (discussed and, if wished, voted on in a meeting), and the final rating by
// the grassroots committee — in four levels, with score bands kept as configurable rules, and the
// cap that "hoàn thành xuất sắc" may not exceed 20% of those rated "hoàn thành tốt" in a
// grassroots organisation, enforced as a warning to confirm at approval.
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError } from '../core/errors.ts';
import type { Locale } from '../core/i18n/i18n.ts';
import { settings } from '../core/jobs/schema.ts';
import { units, type Unit } from '../org/schema.ts';
import { members, people } from '../people/schema.ts';
import { EVALUATION_LEVELS, memberEvaluations, type EvaluationLevel, type MemberEvaluation } from './schema.ts';
import { evaluationMessages } from './evaluation-messages.ts';

/** Lowest score of each level: ≥ 90 excellent, 70–89 good, 50–69 fulfilled, below 50 not fulfilled. */
export type Bands = { excellent: number; good: number; fulfilled: number };
export const DEFAULT_BANDS: Bands = { excellent: 90, good: 70, fulfilled: 50 };
const BANDS_KEY = 'meetings.evaluation_bands';
/** "Xuất sắc" may not exceed this share of those rated "tốt" in a grassroots organisation. */
export const EXCELLENT_CAP = 0.2;

export async function getBands(db: Db): Promise<Bands> {
  const [row] = await db.select().from(settings).where(eq(settings.key, BANDS_KEY));
  const v = row?.value as Partial<Bands> | undefined;
  return v && [v.excellent, v.good, v.fulfilled].every((x) => Number.isInteger(x)) ? (v as Bands) : DEFAULT_BANDS;
}

export function checkBands(b: Bands, locale: Locale = 'vi'): string | null {
  const ok = [b.excellent, b.good, b.fulfilled].every((x) => Number.isInteger(x) && x >= 1 && x <= 100) && b.excellent > b.good && b.good > b.fulfilled;
  return ok ? null : evaluationMessages(locale).errors.bands;
}

export async function setBands(tx: Db, who: ActingContext, b: Bands, locale: Locale = 'vi'): Promise<void> {
  const problem = checkBands(b, locale);
  if (problem) throw new DomainError('invalid', problem);
  const before = await getBands(tx);
  await tx
    .insert(settings)
    .values({ key: BANDS_KEY, value: b })
    .onConflictDoUpdate({ target: settings.key, set: { value: b, updatedAt: new Date() } });
  await audit(tx, who, { action: 'evaluation.rules', entityType: 'settings', entityId: BANDS_KEY, before, after: b });
}

export function levelForScore(score: number, b: Bands): EvaluationLevel {
  if (score >= b.excellent) return 'excellent';
  if (score >= b.good) return 'good';
  if (score >= b.fulfilled) return 'fulfilled';
  return 'unfulfilled';
}

export type EvaluationInput = { score: number | null; level: EvaluationLevel | null; text: string | null };

function checkInput(i: EvaluationInput, locale: Locale): void {
  const m = evaluationMessages(locale).errors;
  if (i.score != null && (!Number.isInteger(i.score) || i.score < 0 || i.score > 100)) throw new DomainError('invalid', m.score);
  if (i.level == null) throw new DomainError('invalid', m.level);
  if (!EVALUATION_LEVELS.includes(i.level)) throw new DomainError('invalid', m.level);
  if ((i.text?.length ?? 0) > 20000) throw new DomainError('invalid', m.textLong);
}

/** The member being evaluated belongs to this cell (as their own cell) this year. */
async function assertMemberOf(db: Db, personId: number, cellId: number, locale: Locale): Promise<void> {
  const [m] = await db.select({ unitId: members.unitId, status: members.status }).from(members).where(eq(members.personId, personId));
  if (!m || m.unitId !== cellId || !['active', 'temporarily_transferred', 'suspended'].includes(m.status)) throw new DomainError('invalid', evaluationMessages(locale).errors.notMember);
}

async function row(db: Db, personId: number, year: number): Promise<MemberEvaluation | null> {
  const [r] = await db.select().from(memberEvaluations).where(and(eq(memberEvaluations.personId, personId), eq(memberEvaluations.year, year)));
  return r ?? null;
}

function assertNotFinal(r: MemberEvaluation | null, locale: Locale) {
  if (r?.finalLevel) throw new DomainError('conflict', evaluationMessages(locale).errors.final);
}

/**
 * A score puts a ceiling on the level: the level may not be above the band the score falls in
 * (a score of 65 cannot be "hoàn thành tốt"); it may be below it, since the level also weighs
 * criteria a score does not capture.
 */
export function scoreAllows(score: number | null, level: EvaluationLevel, b: Bands): boolean {
  if (score == null) return true;
  return EVALUATION_LEVELS.indexOf(level) >= EVALUATION_LEVELS.indexOf(levelForScore(score, b));
}

async function checkScoreLevel(db: Db, i: EvaluationInput, locale: Locale): Promise<void> {
  if (i.score == null || i.level == null) return;
  const b = await getBands(db);
  if (scoreAllows(i.score, i.level, b)) return;
  const m = evaluationMessages(locale);
  throw new DomainError('invalid', m.errors.levelAboveScore(i.score, m.levels[i.level], m.levels[levelForScore(i.score, b)]));
}

/** The member's own self-assessment (or recorded on behalf by the cell's secretary). */
export async function saveSelf(tx: Db, who: ActingContext, a: { personId: number; cellId: number; year: number; input: EvaluationInput; onBehalf: boolean }, locale: Locale = 'vi'): Promise<void> {
  checkInput(a.input, locale);
  await checkScoreLevel(tx, a.input, locale);
  await assertMemberOf(tx, a.personId, a.cellId, locale);
  const before = await row(tx, a.personId, a.year);
  assertNotFinal(before, locale);
  const values = { selfScore: a.input.score, selfLevel: a.input.level, selfText: a.input.text, selfAt: new Date(), selfRecordedBy: a.onBehalf ? who.accountId : null, updatedAt: new Date() };
  await tx
    .insert(memberEvaluations)
    .values({ personId: a.personId, unitId: a.cellId, year: a.year, ...values })
    .onConflictDoUpdate({ target: [memberEvaluations.personId, memberEvaluations.year], set: values });
  await audit(tx, who, { action: 'evaluation.self', entityType: 'member_evaluation', entityId: `${a.personId}/${a.year}`, unitId: a.cellId, after: { year: a.year, score: a.input.score, level: a.input.level }, onBehalfOfPersonId: a.onBehalf ? a.personId : null });
}

/** The cell's proposal after discussion. */
export async function propose(tx: Db, who: ActingContext, a: { personId: number; cellId: number; year: number; input: EvaluationInput; questionId?: number | null }, locale: Locale = 'vi'): Promise<void> {
  checkInput(a.input, locale);
  await checkScoreLevel(tx, a.input, locale);
  await assertMemberOf(tx, a.personId, a.cellId, locale);
  const before = await row(tx, a.personId, a.year);
  assertNotFinal(before, locale);
  const values = { cellScore: a.input.score, proposedLevel: a.input.level, cellNote: a.input.text, proposedBy: who.accountId, proposedAt: new Date(), updatedAt: new Date(), ...(a.questionId !== undefined ? { questionId: a.questionId } : {}) };
  await tx
    .insert(memberEvaluations)
    .values({ personId: a.personId, unitId: a.cellId, year: a.year, ...values })
    .onConflictDoUpdate({ target: [memberEvaluations.personId, memberEvaluations.year], set: values });
  await audit(tx, who, { action: 'evaluation.propose', entityType: 'member_evaluation', entityId: `${a.personId}/${a.year}`, unitId: a.cellId, before: before ? { level: before.proposedLevel } : undefined, after: { year: a.year, score: a.input.score, level: a.input.level } });
}

/** Links the vote held in a meeting on the proposal for a member. */
export async function linkVote(tx: Db, who: ActingContext, a: { personId: number; cellId: number; year: number; questionId: number }): Promise<void> {
  await tx.update(memberEvaluations).set({ questionId: a.questionId, updatedAt: new Date() }).where(and(eq(memberEvaluations.personId, a.personId), eq(memberEvaluations.year, a.year)));
  await audit(tx, who, { action: 'evaluation.propose', entityType: 'member_evaluation', entityId: `${a.personId}/${a.year}`, unitId: a.cellId, after: { questionId: a.questionId } });
}

export type EvaluationRow = {
  personId: number;
  fullName: string;
  cellId: number;
  cellName: string;
  standing: 'official' | 'probationary';
  exempt: boolean;
  evaluation: MemberEvaluation | null;
};

/** The members of a subtree (or one cell) to evaluate this year, with what was recorded. */
export async function listEvaluations(db: Db, scope: { cellId: number } | { subtreePath: string }, year: number): Promise<EvaluationRow[]> {
  const where = 'cellId' in scope ? eq(members.unitId, scope.cellId) : and(like(units.path, `${scope.subtreePath}%`), eq(units.kind, 'cell'));
  const rows = await db
    .select({ personId: people.id, fullName: people.fullName, cellId: units.id, cellName: units.name, cellPath: units.path, standing: members.standing, exempt: members.exempt, evaluation: memberEvaluations })
    .from(members)
    .innerJoin(people, eq(people.id, members.personId))
    .innerJoin(units, eq(units.id, members.unitId))
    .leftJoin(memberEvaluations, and(eq(memberEvaluations.personId, members.personId), eq(memberEvaluations.year, year)))
    .where(and(where, inArray(members.status, ['active', 'temporarily_transferred', 'suspended'])))
    .orderBy(asc(units.path), asc(people.sortKey), asc(people.id));
  return rows.map(({ cellPath: _p, ...r }) => r);
}

export type Cap = { excellent: number; good: number; limit: number; exceeded: boolean };

/** Counts final ratings of a grassroots organisation's year as they would be after these decisions. */
export async function capAfter(db: Db, grassroots: Pick<Unit, 'path'>, year: number, decisions: { personId: number; level: EvaluationLevel }[]): Promise<Cap> {
  const current = await db
    .select({ personId: memberEvaluations.personId, level: memberEvaluations.finalLevel })
    .from(memberEvaluations)
    .innerJoin(units, eq(units.id, memberEvaluations.unitId))
    .where(and(eq(memberEvaluations.year, year), like(units.path, `${grassroots.path}%`), sql`${memberEvaluations.finalLevel} is not null`));
  const levels = new Map(current.map((r) => [r.personId, r.level!]));
  for (const d of decisions) levels.set(d.personId, d.level);
  const excellent = [...levels.values()].filter((l) => l === 'excellent').length;
  const good = [...levels.values()].filter((l) => l === 'good').length;
  const limit = Math.floor(good * EXCELLENT_CAP);
  return { excellent, good, limit, exceeded: excellent > good * EXCELLENT_CAP };
}

export class CapWarning extends DomainError {
  constructor(
    readonly cap: Cap,
    message: string,
  ) {
    super('conflict', message);
  }
}

/**
 * The grassroots committee's final ratings. Beyond the cap on "xuất sắc" it refuses with a
 * warning unless the committee confirms; a confirmed excess is written to the audit log.
 */
export async function approveRatings(tx: Db, who: ActingContext, a: { grassroots: Unit; year: number; decisions: { personId: number; level: EvaluationLevel }[]; confirmCap: boolean }, locale: Locale = 'vi'): Promise<Cap> {
  const m = evaluationMessages(locale);
  if (a.decisions.length === 0) throw new DomainError('invalid', m.errors.nothingToApprove);
  const ids = a.decisions.map((d) => d.personId);
  const found = await tx
    .select({ personId: memberEvaluations.personId, unitId: memberEvaluations.unitId, path: units.path })
    .from(memberEvaluations)
    .innerJoin(units, eq(units.id, memberEvaluations.unitId))
    .where(and(eq(memberEvaluations.year, a.year), inArray(memberEvaluations.personId, ids)));
  const byPerson = new Map(found.map((f) => [f.personId, f]));
  for (const d of a.decisions) {
    const f = byPerson.get(d.personId);
    if (!f || !f.path.startsWith(a.grassroots.path)) throw new DomainError('invalid', m.errors.notProposed);
    if (!EVALUATION_LEVELS.includes(d.level)) throw new DomainError('invalid', m.errors.level);
  }
  // Serialise approvals of one organisation's year, so two committee members cannot pass the cap together.
  await tx.execute(sql`select pg_advisory_xact_lock(7512101, ${a.grassroots.id})`);
  const cap = await capAfter(tx, a.grassroots, a.year, a.decisions);
  if (cap.exceeded && !a.confirmCap) throw new CapWarning(cap, m.capWarning(cap.excellent, cap.good, cap.limit));
  const now = new Date();
  for (const d of a.decisions) {
    await tx.update(memberEvaluations).set({ finalLevel: d.level, finalUnitId: a.grassroots.id, finalBy: who.accountId, finalAt: now, updatedAt: now }).where(and(eq(memberEvaluations.personId, d.personId), eq(memberEvaluations.year, a.year)));
  }
  await audit(tx, who, { action: 'evaluation.approve', entityType: 'member_evaluation', entityId: `${a.grassroots.id}/${a.year}`, unitId: a.grassroots.id, after: { year: a.year, decisions: a.decisions, capExceeded: cap.exceeded, excellent: cap.excellent, good: cap.good } });
  return cap;
}

export type RatingRollupRow = { unitId: number; unitName: string; members: number; self: number; proposed: number; excellent: number; good: number; fulfilled: number; unfulfilled: number };

/** Final ratings of a year per cell of a subtree (for committees). */
export async function ratingRollup(db: Db, subtreePath: string, year: number): Promise<RatingRollupRow[]> {
  const rows = await listEvaluations(db, { subtreePath }, year);
  const out = new Map<number, RatingRollupRow>();
  for (const r of rows) {
    let o = out.get(r.cellId);
    if (!o) out.set(r.cellId, (o = { unitId: r.cellId, unitName: r.cellName, members: 0, self: 0, proposed: 0, excellent: 0, good: 0, fulfilled: 0, unfulfilled: 0 }));
    o.members++;
    if (r.evaluation?.selfLevel) o.self++;
    if (r.evaluation?.proposedLevel) o.proposed++;
    const f = r.evaluation?.finalLevel;
    if (f) o[f]++;
  }
  return [...out.values()];
}

/** The grassroots organisation above a cell (đảng bộ cơ sở), or the cell itself when it is a chi bộ cơ sở. */
export async function grassrootsOf(db: Db, cell: Unit): Promise<Unit> {
  const ids = cell.path.split('/').filter(Boolean).map(Number);
  const rows = await db.select().from(units).where(inArray(units.id, ids));
  const grassroots = rows.filter((u) => u.kind === 'party_grassroots').sort((a, b) => b.depth - a.depth)[0];
  return grassroots ?? cell;
}

