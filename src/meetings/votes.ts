// Quick opinions and votes during a meeting. One answer per member and question, enforced by the
// primary keys of `meeting_answers` (named) and `meeting_ballots` (secret participation).
//
// A secret ballot writes participation and choice in one transaction, then rewrites every
// choice of the question in the order of their random keys: afterwards all of them carry this
// transaction's id (xmin) and lie in key order, so neither the system columns nor the physical
// order say which choice came when — and so whose it was. Closing the question rewrites them once
// more, leaving them under the closing transaction. While a secret question is open, the room
// sees only how many have voted; the counts appear when it closes.
import crypto from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError } from '../core/errors.ts';
import type { Locale } from '../core/i18n/i18n.ts';
import { people } from '../people/schema.ts';
import { meetingAnswers, meetingBallots, meetingQuestions, meetingSecretChoices, meetings, type AnswerValue, type Question, type QuestionKind } from './schema.ts';
import { getMeeting, getRoster, type RosterEntry } from './meetings.ts';
import { mayGiveOpinion, mayVoteOnResolution, quorum, verdict, type Verdict } from './quorum.ts';
import { meetingMessages } from './messages.ts';
import { signalMeeting } from './live.ts';

export const AGREE_CHOICES = ['agree', 'disagree', 'abstain'] as const;

export type QuestionInput = { kind: QuestionKind; prompt: string; options: string[]; ratingMax: number | null; secret: boolean; resolution: boolean };

export class QuestionFormError extends DomainError {
  constructor(readonly fields: Record<string, string>) {
    super('invalid', Object.values(fields)[0] ?? '');
  }
}

export function checkQuestion(input: QuestionInput, locale: Locale): Record<string, string> {
  const m = meetingMessages(locale).errors;
  const errors: Record<string, string> = {};
  if (!input.prompt.trim()) errors.prompt = m.promptRequired;
  else if (input.prompt.length > 500) errors.prompt = m.promptTooLong;
  if (input.kind === 'single' || input.kind === 'multiple') {
    const opts = input.options.map((o) => o.trim()).filter(Boolean);
    if (opts.length < 2) errors.options = m.optionsTooFew;
    else if (opts.length > 12 || opts.some((o) => o.length > 200)) errors.options = m.optionsTooMany;
    else if (new Set(opts).size !== opts.length) errors.options = m.optionsDuplicate;
  }
  if (input.kind === 'rating' && (input.ratingMax == null || input.ratingMax < 2 || input.ratingMax > 10)) errors.ratingMax = m.ratingMax;
  if (input.resolution && input.kind !== 'agree') errors.resolution = m.resolutionAgree;
  return errors;
}

export async function createQuestion(tx: Db, who: ActingContext, meetingId: number, input: QuestionInput, locale: Locale = 'vi'): Promise<Question> {
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  if (meeting.status === 'ended' || meeting.status === 'cancelled') throw new DomainError('conflict', meetingMessages(locale).errors.meetingClosed);
  const errors = checkQuestion(input, locale);
  if (Object.keys(errors).length) throw new QuestionFormError(errors);
  const options = input.kind === 'single' || input.kind === 'multiple' ? input.options.map((o) => o.trim()).filter(Boolean) : [];
  const [row] = await tx
    .insert(meetingQuestions)
    .values({ meetingId, kind: input.kind, prompt: input.prompt.trim(), options, ratingMax: input.kind === 'rating' ? input.ratingMax : null, secret: input.secret, resolution: input.resolution, createdBy: who.accountId })
    .returning();
  await audit(tx, who, { action: 'question.create', entityType: 'meeting_question', entityId: row!.id, unitId: meeting.unitId, after: { meetingId, kind: row!.kind, secret: row!.secret, resolution: row!.resolution } });
  await signalMeeting(tx, meetingId);
  return row!;
}

async function lockQuestion(tx: Db, questionId: number, mode: 'update' | 'share'): Promise<Question> {
  const [q] = await tx.select().from(meetingQuestions).where(eq(meetingQuestions.id, questionId)).for(mode);
  if (!q) throw new DomainError('not_found', meetingMessages('vi').errors.questionMissing);
  return q;
}

export async function getQuestion(db: Db, questionId: number): Promise<Question | null> {
  const [q] = await db.select().from(meetingQuestions).where(eq(meetingQuestions.id, questionId));
  return q ?? null;
}

export async function listQuestions(db: Db, meetingId: number): Promise<Question[]> {
  return db.select().from(meetingQuestions).where(eq(meetingQuestions.meetingId, meetingId)).orderBy(asc(meetingQuestions.id));
}

export async function openQuestion(tx: Db, who: ActingContext, questionId: number, locale: Locale = 'vi'): Promise<void> {
  const q = await lockQuestion(tx, questionId, 'update');
  const meeting = await getMeeting(tx, q.meetingId);
  const m = meetingMessages(locale).errors;
  if (meeting.status !== 'in_progress') throw new DomainError('conflict', m.openWhenInProgress);
  if (q.status !== 'draft') throw new DomainError('conflict', q.status === 'open' ? m.questionAlreadyOpen : m.questionClosed);
  await tx.update(meetingQuestions).set({ status: 'open', openedAt: new Date() }).where(eq(meetingQuestions.id, questionId));
  await audit(tx, who, { action: 'question.open', entityType: 'meeting_question', entityId: questionId, unitId: meeting.unitId });
  await signalMeeting(tx, q.meetingId);
}

export async function closeQuestion(tx: Db, who: ActingContext, questionId: number, locale: Locale = 'vi'): Promise<Result> {
  const q = await lockQuestion(tx, questionId, 'update');
  const m = meetingMessages(locale).errors;
  if (q.status !== 'open') throw new DomainError('conflict', q.status === 'closed' ? m.questionClosed : m.questionNotOpen);
  const meeting = await getMeeting(tx, q.meetingId);
  const result = await computeResult(tx, q, await getRoster(tx, q.meetingId), { reveal: true });
  if (q.secret) await reseal(tx, questionId);
  await tx.update(meetingQuestions).set({ status: 'closed', closedAt: new Date(), result }).where(eq(meetingQuestions.id, questionId));
  await audit(tx, who, { action: 'question.close', entityType: 'meeting_question', entityId: questionId, unitId: meeting.unitId, after: { answered: result.answered, eligible: result.eligible, passed: result.verdict?.passed ?? null } });
  await signalMeeting(tx, q.meetingId);
  return result;
}

/** May this roster member answer this question? */
export function mayAnswer(q: Pick<Question, 'resolution'>, r: Pick<RosterEntry, 'standing' | 'exempt' | 'memberStatus' | 'guest' | 'attendance'>): boolean {
  return q.resolution ? mayVoteOnResolution(r) : mayGiveOpinion(r);
}

/** Reads a submitted answer for a question of this kind; null when it is not a valid answer. */
export function parseAnswer(q: Pick<Question, 'kind' | 'options' | 'ratingMax'>, raw: { choice?: string | undefined; option?: string | undefined; options?: string[] | undefined; rating?: string | undefined; text?: string | undefined }): AnswerValue | null {
  switch (q.kind) {
    case 'agree':
      return AGREE_CHOICES.includes(raw.choice as never) ? { choice: raw.choice as (typeof AGREE_CHOICES)[number] } : null;
    case 'single': {
      const n = Number(raw.option);
      return Number.isInteger(n) && n >= 0 && n < q.options.length && raw.option !== '' ? { option: n } : null;
    }
    case 'multiple': {
      const list = [...new Set((raw.options ?? []).map(Number))].sort((a, b) => a - b);
      if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0 || n >= q.options.length)) return null;
      return { options: list };
    }
    case 'rating': {
      const n = Number(raw.rating);
      return Number.isInteger(n) && n >= 1 && n <= (q.ratingMax ?? 5) ? { rating: n } : null;
    }
    case 'text': {
      const t = (raw.text ?? '').normalize('NFC').trim();
      return t.length >= 1 && t.length <= 500 ? { text: t } : null;
    }
  }
}

const isUniqueViolation = (e: unknown) => {
  const x = e as { code?: string; cause?: { code?: string } };
  return x?.code === '23505' || x?.cause?.code === '23505';
};

/**
 * Records a member's answer — by the member, or by a cell leader on behalf of a member without a
 * phone (`recordedBy` marks it). The audit log records that the member answered, never what.
 */
export async function answerQuestion(tx: Db, who: ActingContext, input: { questionId: number; personId: number; answer: AnswerValue; onBehalf: boolean }, locale: Locale = 'vi'): Promise<void> {
  const m = meetingMessages(locale).errors;
  // Secret ballots are taken one at a time per question (their choices are rewritten together); named answers only keep the question from closing meanwhile.
  const peek = await getQuestion(tx, input.questionId);
  if (!peek) throw new DomainError('not_found', m.questionMissing);
  const q = await lockQuestion(tx, input.questionId, peek.secret ? 'update' : 'share');
  if (q.status !== 'open') throw new DomainError('conflict', q.status === 'closed' ? m.questionClosed : m.questionNotOpen);
  const roster = await getRoster(tx, q.meetingId);
  const member = roster.find((r) => r.personId === input.personId);
  if (!member) throw new DomainError('forbidden', m.notOnRoster);
  if (!mayAnswer(q, member)) throw new DomainError('forbidden', q.resolution ? m.mayNotVote(member.fullName) : m.mayNotAnswer(member.fullName));
  const [meeting] = await tx.select({ unitId: meetings.unitId }).from(meetings).where(eq(meetings.id, q.meetingId));
  const recordedBy = input.onBehalf ? who.accountId : null;
  try {
    if (q.secret) {
      await tx.insert(meetingBallots).values({ questionId: q.id, personId: input.personId, recordedBy });
      await tx.insert(meetingSecretChoices).values({ key: crypto.randomUUID(), questionId: q.id, answer: input.answer });
      await reseal(tx, q.id);
    } else {
      await tx.insert(meetingAnswers).values({ questionId: q.id, personId: input.personId, answer: input.answer, recordedBy });
    }
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('conflict', input.onBehalf ? m.alreadyAnsweredFor(member.fullName) : m.alreadyAnswered);
    throw e;
  }
  await audit(tx, who, {
    action: 'question.answer',
    entityType: 'meeting_question',
    entityId: q.id,
    unitId: meeting!.unitId,
    after: { secret: q.secret, onBehalf: input.onBehalf },
    onBehalfOfPersonId: input.onBehalf ? input.personId : null,
  });
  await signalMeeting(tx, q.meetingId);
}

/** Rewrites a question's secret choices in the order of their random keys (see the file's header). */
async function reseal(tx: Db, questionId: number): Promise<void> {
  const rows = await tx.select().from(meetingSecretChoices).where(eq(meetingSecretChoices.questionId, questionId)).orderBy(asc(meetingSecretChoices.key));
  await tx.delete(meetingSecretChoices).where(eq(meetingSecretChoices.questionId, questionId));
  if (rows.length) await tx.insert(meetingSecretChoices).values(rows);
}

export type Result = {
  answered: number;
  eligible: number;
  /** Counts by choice ("agree"…), option index, or rating; absent while a secret question is open. */
  counts: Record<string, number> | null;
  average: number | null;
  /** Short texts (without names). */
  texts: string[] | null;
  /** Resolutions: the votes for, the half they must exceed, and whether it passed. */
  verdict: Verdict | null;
  /** Counts withheld: a secret question still open. */
  hidden: boolean;
};

function count(q: Question, answers: AnswerValue[]): Pick<Result, 'counts' | 'average' | 'texts'> {
  const counts: Record<string, number> = {};
  const keys = q.kind === 'agree' ? [...AGREE_CHOICES] : q.kind === 'rating' ? Array.from({ length: q.ratingMax ?? 5 }, (_, i) => String(i + 1)) : q.kind === 'text' ? [] : q.options.map((_, i) => String(i));
  for (const k of keys) counts[k] = 0;
  const texts: string[] = [];
  let sum = 0;
  for (const a of answers) {
    if ('choice' in a) counts[a.choice] = (counts[a.choice] ?? 0) + 1;
    else if ('option' in a) counts[String(a.option)] = (counts[String(a.option)] ?? 0) + 1;
    else if ('options' in a) for (const o of a.options) counts[String(o)] = (counts[String(o)] ?? 0) + 1;
    else if ('rating' in a) {
      counts[String(a.rating)] = (counts[String(a.rating)] ?? 0) + 1;
      sum += a.rating;
    } else if ('text' in a) texts.push(a.text);
  }
  return { counts: q.kind === 'text' ? null : counts, average: q.kind === 'rating' && answers.length ? Math.round((sum / answers.length) * 100) / 100 : null, texts: q.kind === 'text' ? texts.sort((x, y) => x.localeCompare(y, 'vi')) : null };
}

/** The result as it stands (a closed question's frozen result is in `question.result`). */
export async function computeResult(db: Db, q: Question, roster: RosterEntry[], opts: { reveal: boolean }): Promise<Result> {
  const eligible = roster.filter((r) => mayAnswer(q, r)).length;
  let answers: AnswerValue[];
  let answered: number;
  if (q.secret) {
    const [p] = await db.select({ n: sql<number>`count(*)::int` }).from(meetingBallots).where(eq(meetingBallots.questionId, q.id));
    answered = Number(p?.n ?? 0);
    if (!opts.reveal) return { answered, eligible, counts: null, average: null, texts: null, verdict: null, hidden: true };
    answers = (await db.select({ a: meetingSecretChoices.answer }).from(meetingSecretChoices).where(eq(meetingSecretChoices.questionId, q.id))).map((r) => r.a);
  } else {
    answers = (await db.select({ a: meetingAnswers.answer }).from(meetingAnswers).where(eq(meetingAnswers.questionId, q.id))).map((r) => r.a);
    answered = answers.length;
  }
  const c = count(q, answers);
  const v = q.resolution ? verdict(quorum(roster), c.counts?.agree ?? 0) : null;
  return { answered, eligible, ...c, verdict: v, hidden: false };
}

/** The result to show: frozen when closed, live otherwise (secret counts withheld until closed). */
export async function resultOf(db: Db, q: Question, roster: RosterEntry[]): Promise<Result> {
  if (q.status === 'closed' && q.result) return q.result as Result;
  return computeResult(db, q, roster, { reveal: !q.secret });
}

/** Named answers with the members' names (for the cell's leaders), and who has taken part in a secret ballot. */
export async function namedAnswers(db: Db, questionId: number) {
  return db
    .select({ personId: meetingAnswers.personId, fullName: people.fullName, answer: meetingAnswers.answer, recordedBy: meetingAnswers.recordedBy })
    .from(meetingAnswers)
    .innerJoin(people, eq(people.id, meetingAnswers.personId))
    .where(eq(meetingAnswers.questionId, questionId))
    .orderBy(asc(people.sortKey), asc(people.id));
}

/** Who has answered (named) or taken part (secret): person ids, and which were recorded on behalf. */
export async function participants(db: Db, q: Pick<Question, 'id' | 'secret'>): Promise<Map<number, { onBehalf: boolean }>> {
  const rows = q.secret
    ? await db.select({ personId: meetingBallots.personId, recordedBy: meetingBallots.recordedBy }).from(meetingBallots).where(eq(meetingBallots.questionId, q.id))
    : await db.select({ personId: meetingAnswers.personId, recordedBy: meetingAnswers.recordedBy }).from(meetingAnswers).where(eq(meetingAnswers.questionId, q.id));
  return new Map(rows.map((r) => [r.personId, { onBehalf: r.recordedBy != null }]));
}

/** The member's own named answer (a secret one is never shown back, not even to its voter). */
export async function ownAnswer(db: Db, questionId: number, personId: number): Promise<AnswerValue | null> {
  const [row] = await db.select({ a: meetingAnswers.answer }).from(meetingAnswers).where(and(eq(meetingAnswers.questionId, questionId), eq(meetingAnswers.personId, personId)));
  return row?.a ?? null;
}
