// Feedback (góp ý, phản hồi, tâm tư nguyện vọng): sending to one's cell or a committee above,
// triage by the receiving unit (assign, answer, forward up or down the tree, close, reopen,
// internal notes), the author's view of the history, overdue items, and counts for committees.
//
// An anonymous item is written with no author, no sender's cell and only the date; the author's
// link sits apart in `feedback_anonymous_authors` and is read only for the author's own requests.
// Its audit entry records that an anonymous item was sent — with no account, no address, no
// unit and no item — and no notification ever names its author.
import crypto from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError } from '../core/errors.ts';
import { todayIso, type Locale } from '../core/i18n/i18n.ts';
import { notify } from '../core/notify/notify.ts';
import type { Actor, ResourceFor } from '../core/policy/policy.ts';
import { accounts, roleAssignments } from '../core/auth/schema.ts';
import { units, type Unit } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { feedbackAnonymousAuthors, feedbackEvents, feedbackItems, FEEDBACK_CATEGORIES, type FeedbackCategory, type FeedbackEvent, type FeedbackItem } from './schema.ts';
import { feedbackMessages } from './messages.ts';

/** Days the receiving unit has to answer. */
export const ANSWER_DAYS = 15;
export const LIMITS = { subject: 300, body: 10_000, answer: 10_000 } as const;
/** Party units a member may write to: their cell and the committees above it (not the committees' boards). */
const ADDRESSABLE = ['cell', 'party_subcommittee', 'party_grassroots', 'party_district', 'party_province'];
const LEADER_ROLES = ['cell_secretary', 'cell_deputy', 'committee_member', 'unit_admin'] as const;

const itemColumns = {
  id: feedbackItems.id,
  unitId: feedbackItems.unitId,
  firstUnitId: feedbackItems.firstUnitId,
  originUnitId: feedbackItems.originUnitId,
  category: feedbackItems.category,
  subject: feedbackItems.subject,
  body: feedbackItems.body,
  anonymous: feedbackItems.anonymous,
  authorPersonId: feedbackItems.authorPersonId,
  recordedBy: feedbackItems.recordedBy,
  status: feedbackItems.status,
  handlerAccountId: feedbackItems.handlerAccountId,
  sentOn: feedbackItems.sentOn,
  dueOn: feedbackItems.dueOn,
  attachmentName: feedbackItems.attachmentName,
  attachmentMime: feedbackItems.attachmentMime,
};

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
export const isOverdue = (i: Pick<FeedbackItem, 'status' | 'dueOn'>, today = todayIso()) => (i.status === 'new' || i.status === 'in_progress') && i.dueOn < today;

/** The units a member may address: their cell (the one they attend) and the party committees above it. */
export async function addressableUnits(db: Db, actor: Actor): Promise<Unit[]> {
  const m = actor.membership;
  if (!m) return [];
  const path = m.temporaryPath ?? m.path;
  const ids = path.split('/').filter(Boolean).map(Number);
  const rows = await db.select().from(units).where(inArray(units.id, ids));
  return rows.filter((u) => u.tree === 'party' && u.status === 'active' && ADDRESSABLE.includes(u.kind)).sort((a, b) => b.depth - a.depth);
}

export type SendInput = { unitId: number; category: FeedbackCategory; subject: string; body: string; anonymous: boolean; attachment: { fileName: string; mime: string; content: Buffer } | null };

export function checkSend(i: SendInput, locale: Locale): Record<string, string> {
  const m = feedbackMessages(locale).errors;
  const e: Record<string, string> = {};
  if (!FEEDBACK_CATEGORIES.includes(i.category)) e.category = m.category;
  if (!i.subject.trim()) e.subject = m.subject;
  else if (i.subject.length > LIMITS.subject) e.subject = m.subjectLong(LIMITS.subject);
  if (!i.body.trim()) e.body = m.body;
  else if (i.body.length > LIMITS.body) e.body = m.bodyLong(LIMITS.body);
  if (i.attachment && i.attachment.content.length === 0) e.file = m.fileEmpty;
  return e;
}

export class FeedbackFormError extends DomainError {
  constructor(readonly fields: Record<string, string>) {
    super('invalid', Object.values(fields)[0] ?? '');
  }
}

/** Who leads a unit (to be told of new items): its own secretary and deputy, or its committee and administrators. */
async function leadersOf(db: Db, unitId: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ personId: accounts.personId })
    .from(roleAssignments)
    .innerJoin(accounts, eq(accounts.id, roleAssignments.accountId))
    .where(and(eq(roleAssignments.unitId, unitId), inArray(roleAssignments.role, [...LEADER_ROLES]), isNull(roleAssignments.revokedAt), eq(accounts.disabled, false)));
  return rows.map((r) => r.personId);
}

/** Sends an item. With `anonymous`, the author is kept apart and nothing else records who wrote it. */
export async function sendFeedback(tx: Db, who: ActingContext, actor: Actor, input: SendInput, locale: Locale = 'vi'): Promise<string> {
  const errors = checkSend(input, locale);
  if (Object.keys(errors).length) throw new FeedbackFormError(errors);
  const target = (await addressableUnits(tx, actor)).find((u) => u.id === input.unitId);
  if (!target) throw new FeedbackFormError({ unitId: feedbackMessages(locale).errors.unit });
  const id = crypto.randomUUID();
  const today = todayIso();
  const cellId = actor.membership!.temporaryUnitId ?? actor.membership!.unitId;
  await tx.insert(feedbackItems).values({
    id,
    unitId: target.id,
    firstUnitId: target.id,
    originUnitId: input.anonymous ? null : cellId,
    category: input.category,
    subject: input.subject.trim(),
    body: input.body.trim(),
    anonymous: input.anonymous,
    authorPersonId: input.anonymous ? null : actor.personId,
    sentOn: today,
    dueOn: addDays(today, ANSWER_DAYS),
    attachmentName: input.attachment?.fileName ?? null,
    attachmentMime: input.attachment?.mime ?? null,
    attachment: input.attachment?.content ?? null,
  });
  const m = feedbackMessages('vi').notices;
  const leaders = await leadersOf(tx, target.id);
  if (input.anonymous) {
    await tx.insert(feedbackAnonymousAuthors).values({ itemId: id, personId: actor.personId });
    // The act, not the link: no account, no address, no request, no unit, no item.
    const nobody: ActingContext = { accountId: null, ip: null, requestId: null };
    await audit(tx, nobody, { action: 'feedback.send', entityType: 'feedback', after: { anonymous: true } });
    if (leaders.length) await notify(tx, nobody, { kind: 'feedback', urgency: null, audience: { personIds: leaders }, title: m.received(target.name), body: m.anonymous, link: `/units/${target.id}/feedback`, unitId: target.id });
  } else {
    await audit(tx, who, { action: 'feedback.send', entityType: 'feedback', entityId: id, unitId: target.id, after: { anonymous: false, category: input.category, subject: input.subject.trim() } });
    if (leaders.length) await notify(tx, who, { kind: 'feedback', urgency: null, audience: { personIds: leaders }, title: m.received(target.name), body: input.subject.trim(), link: `/feedback/${id}`, unitId: target.id, subject: { type: 'feedback', id } });
  }
  return id;
}

export async function getItem(db: Db, id: string): Promise<FeedbackItem | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select(itemColumns).from(feedbackItems).where(eq(feedbackItems.id, id));
  return row ?? null;
}

/** The units an item has been addressed or forwarded to. */
async function routeUnitIds(db: Db, item: Pick<FeedbackItem, 'id' | 'firstUnitId' | 'unitId'>): Promise<number[]> {
  const fwd = await db.select({ to: feedbackEvents.toUnitId }).from(feedbackEvents).where(and(eq(feedbackEvents.itemId, item.id), eq(feedbackEvents.kind, 'forwarded')));
  return [...new Set([item.firstUnitId, item.unitId, ...fwd.map((f) => f.to!).filter((x) => x != null)])];
}

/** Did this person write the item (named, or through the anonymous link)? Asked only about the actor making the request. */
async function wroteIt(db: Db, item: Pick<FeedbackItem, 'id' | 'anonymous' | 'authorPersonId'>, personId: number): Promise<boolean> {
  if (!item.anonymous) return item.authorPersonId === personId;
  const [row] = await db.select({ p: feedbackAnonymousAuthors.personId }).from(feedbackAnonymousAuthors).where(and(eq(feedbackAnonymousAuthors.itemId, item.id), eq(feedbackAnonymousAuthors.personId, personId)));
  return !!row;
}

export async function loadFeedbackResource(db: Db, id: string, actor: Actor | null): Promise<ResourceFor<'feedback.view'> | null> {
  const item = await getItem(db, id);
  if (!item) return null;
  const ids = await routeUnitIds(db, item);
  const paths = await db.select({ id: units.id, path: units.path }).from(units).where(inArray(units.id, ids));
  const current = paths.find((p) => p.id === item.unitId)!.path;
  return { type: 'feedback', id: item.id, unitPath: current, routePaths: paths.map((p) => p.path), authoredByActor: actor ? await wroteIt(db, item, actor.personId) : false };
}

export type HistoryEntry = FeedbackEvent & { byName: string | null; fromName: string | null; toName: string | null };

/** The history: all of it for the units handling it, what concerns the author for the author. */
export async function history(db: Db, itemId: string, opts: { forAuthor: boolean }): Promise<HistoryEntry[]> {
  const rows = await db
    .select({ e: feedbackEvents, byName: people.fullName })
    .from(feedbackEvents)
    .leftJoin(accounts, eq(accounts.id, feedbackEvents.byAccountId))
    .leftJoin(people, eq(people.id, accounts.personId))
    .where(and(eq(feedbackEvents.itemId, itemId), ...(opts.forAuthor ? [eq(feedbackEvents.visibleToAuthor, true)] : [])))
    .orderBy(asc(feedbackEvents.at), asc(feedbackEvents.id));
  const unitIds = [...new Set(rows.flatMap((r) => [r.e.fromUnitId, r.e.toUnitId]).filter((x): x is number => x != null))];
  const names = new Map(unitIds.length ? (await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, unitIds))).map((u) => [u.id, u.name]) : []);
  return rows.map((r) => ({ ...r.e, byName: r.byName, fromName: r.e.fromUnitId ? (names.get(r.e.fromUnitId) ?? null) : null, toName: r.e.toUnitId ? (names.get(r.e.toUnitId) ?? null) : null }));
}

async function lockItem(tx: Db, id: string, locale: Locale): Promise<FeedbackItem> {
  const [row] = await tx.select(itemColumns).from(feedbackItems).where(eq(feedbackItems.id, id)).for('update');
  if (!row) throw new DomainError('not_found', feedbackMessages(locale).errors.notFound);
  return row;
}

/** Tells a named item's author; an anonymous author is told nothing by notification (their list shows it). */
async function tellAuthor(tx: Db, who: ActingContext, item: FeedbackItem, title: string): Promise<void> {
  if (item.anonymous || item.authorPersonId == null) return;
  await notify(tx, who, { kind: 'feedback', urgency: null, audience: { personIds: [item.authorPersonId] }, title, body: item.subject, link: `/feedback/${item.id}`, unitId: item.unitId, subject: { type: 'feedback', id: item.id } });
}

type Step = 'assign' | 'answer' | 'forward' | 'close' | 'reopen' | 'note';

export async function handle(tx: Db, who: ActingContext, itemId: string, step: Step, input: { text?: string | null; toUnitId?: number; handlerAccountId?: number }, locale: Locale = 'vi'): Promise<FeedbackItem> {
  const m = feedbackMessages(locale).errors;
  const item = await lockItem(tx, itemId, locale);
  const text = input.text?.normalize('NFC').trim() || null;
  if (text && text.length > LIMITS.answer) throw new DomainError('invalid', m.answerLong(LIMITS.answer));
  const event: typeof feedbackEvents.$inferInsert = { itemId, kind: step === 'assign' ? 'assigned' : step === 'answer' ? 'answered' : step === 'forward' ? 'forwarded' : step === 'close' ? 'closed' : step === 'reopen' ? 'reopened' : 'note', text, byAccountId: who.accountId, visibleToAuthor: step !== 'note' && step !== 'assign' };
  const set: Partial<typeof feedbackItems.$inferInsert> = {};
  const closedNow = item.status === 'closed';
  if (closedNow && step !== 'reopen') throw new DomainError('conflict', m.closed);
  switch (step) {
    case 'assign': {
      const handler = input.handlerAccountId ?? who.accountId;
      const leaders = await tx
        .select({ id: accounts.id })
        .from(roleAssignments)
        .innerJoin(accounts, eq(accounts.id, roleAssignments.accountId))
        .where(and(eq(roleAssignments.unitId, item.unitId), inArray(roleAssignments.role, [...LEADER_ROLES]), isNull(roleAssignments.revokedAt)));
      if (handler == null || !leaders.some((l) => l.id === handler)) throw new DomainError('invalid', m.handler);
      set.handlerAccountId = handler;
      if (item.status === 'new') set.status = 'in_progress';
      break;
    }
    case 'answer':
      if (!text) throw new DomainError('invalid', m.answer);
      set.status = 'answered';
      break;
    case 'note':
      if (!text) throw new DomainError('invalid', m.note);
      break;
    case 'close':
      set.status = 'closed';
      break;
    case 'reopen':
      if (!closedNow && item.status !== 'answered') throw new DomainError('conflict', m.notClosed);
      set.status = 'in_progress';
      break;
    case 'forward': {
      const [from] = await tx.select().from(units).where(eq(units.id, item.unitId));
      const [to] = input.toUnitId ? await tx.select().from(units).where(eq(units.id, input.toUnitId)) : [];
      const related = to && (from!.path.startsWith(to.path) || to.path.startsWith(from!.path));
      if (!to || to.id === from!.id || to.tree !== 'party' || to.status !== 'active' || !ADDRESSABLE.includes(to.kind) || !related) throw new DomainError('invalid', m.forwardTarget);
      event.fromUnitId = from!.id;
      event.toUnitId = to.id;
      Object.assign(set, { unitId: to.id, status: 'new', handlerAccountId: null });
      break;
    }
  }
  await tx.insert(feedbackEvents).values(event);
  let updated = item;
  if (Object.keys(set).length) [updated] = (await tx.update(feedbackItems).set(set).where(eq(feedbackItems.id, itemId)).returning(itemColumns)) as [FeedbackItem];
  await audit(tx, who, { action: `feedback.${step}` as 'feedback.answer', entityType: 'feedback', entityId: itemId, unitId: item.unitId, before: { status: item.status, unitId: item.unitId }, after: { status: updated.status, unitId: updated.unitId, ...(event.toUnitId ? { toUnitId: event.toUnitId } : {}) } });
  const n = feedbackMessages('vi').notices;
  if (step === 'answer') await tellAuthor(tx, who, updated, n.answered);
  if (step === 'forward') {
    const [to] = await tx.select({ name: units.name }).from(units).where(eq(units.id, updated.unitId));
    await tellAuthor(tx, who, updated, n.forwarded(to!.name));
    const leaders = await leadersOf(tx, updated.unitId);
    if (leaders.length) await notify(tx, who, { kind: 'feedback', urgency: null, audience: { personIds: leaders }, title: n.received(to!.name), body: item.anonymous ? n.anonymous : item.subject, link: `/feedback/${item.id}`, unitId: updated.unitId, subject: { type: 'feedback', id: item.id } });
  }
  if (step === 'close') await tellAuthor(tx, who, updated, n.closed);
  return updated;
}

export type ListedItem = FeedbackItem & { overdue: boolean; unitName: string };

async function withNames(db: Db, rows: FeedbackItem[]): Promise<ListedItem[]> {
  const ids = [...new Set(rows.map((r) => r.unitId))];
  const names = new Map(ids.length ? (await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ids))).map((u) => [u.id, u.name]) : []);
  const today = todayIso();
  return rows.map((r) => ({ ...r, overdue: isOverdue(r, today), unitName: names.get(r.unitId) ?? '' }));
}

/** What reached a unit (held by it now), newest first; overdue ones flagged. */
export async function inbox(db: Db, unitId: number, opts: { status?: string; limit?: number } = {}): Promise<ListedItem[]> {
  const where = [eq(feedbackItems.unitId, unitId)];
  if (opts.status === 'open') where.push(inArray(feedbackItems.status, ['new', 'in_progress']));
  else if (opts.status && ['new', 'in_progress', 'answered', 'closed'].includes(opts.status)) where.push(eq(feedbackItems.status, opts.status as FeedbackItem['status']));
  const rows = await db.select(itemColumns).from(feedbackItems).where(and(...where)).orderBy(desc(feedbackItems.sentOn), asc(feedbackItems.dueOn)).limit(opts.limit ?? 200);
  return withNames(db, rows);
}

/** The member's own items, named and anonymous. */
export async function mine(db: Db, personId: number): Promise<ListedItem[]> {
  const named = await db.select(itemColumns).from(feedbackItems).where(eq(feedbackItems.authorPersonId, personId));
  const anon = await db.select(itemColumns).from(feedbackItems).innerJoin(feedbackAnonymousAuthors, eq(feedbackAnonymousAuthors.itemId, feedbackItems.id)).where(eq(feedbackAnonymousAuthors.personId, personId));
  return withNames(db, [...named, ...anon].sort((a, b) => b.sentOn.localeCompare(a.sentOn)));
}

/** Answered items of the member not yet closed: the home tile's count. */
export async function answeredCount(db: Db, personId: number): Promise<number> {
  return (await mine(db, personId)).filter((i) => i.status === 'answered').length;
}

export async function attachmentOf(db: Db, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await db.select({ name: feedbackItems.attachmentName, mime: feedbackItems.attachmentMime, content: feedbackItems.attachment }).from(feedbackItems).where(eq(feedbackItems.id, id));
  return row?.content ? row : null;
}

export type StatsRow = { month: string; category: FeedbackCategory; status: FeedbackItem['status']; n: number; overdue: number };

/** Counts by month, category and status of what reached units of a subtree (no content). */
export async function stats(db: Db, subtreePath: string, year: number): Promise<StatsRow[]> {
  const today = todayIso();
  const rows = await queryRows<{ month: string; category: FeedbackCategory; status: FeedbackItem['status']; n: number; overdue: number }>(
    db,
    sql`select substr(f.sent_on::text, 1, 7) as month, f.category, f.status, count(*)::int as n,
               count(*) filter (where f.status in ('new', 'in_progress') and f.due_on < ${today}::date)::int as overdue
        from feedback_items f join units u on u.id = f.unit_id
        where u.path like ${`${subtreePath}%`} and f.sent_on >= ${`${year}-01-01`}::date and f.sent_on <= ${`${year}-12-31`}::date
        group by 1, 2, 3 order by 1, 2, 3`,
  );
  return rows.map((r) => ({ ...r, n: Number(r.n), overdue: Number(r.overdue) }));
}

