// Cell meetings: scheduling (a regular meeting from the 20th of the month before), the standard
// agenda, materials, the roster and attendance, starting and ending, the meeting's quality.
// Domain functions take a `Db` (a database or a transaction) and write their audit entry in the
// caller's transaction.
import { and, asc, desc, eq, gte, inArray, isNull, like, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError } from '../core/errors.ts';
import { formatDate, formatDateTime, todayIso, type Locale } from '../core/i18n/i18n.ts';
import { notify } from '../core/notify/notify.ts';
import { queryRows } from '../core/db/client.ts';
import { recordDisseminatedAtMeeting } from '../distribution/publications.ts';
import { units, type Unit } from '../org/schema.ts';
import { members, people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';
import type { ResourceFor } from '../core/policy/policy.ts';
import {
  meetingMaterials,
  meetingRoster,
  meetings,
  type AgendaItem,
  type Attendance,
  type Meeting,
  type MeetingKind,
  type MeetingMaterial,
  type MeetingQuality,
} from './schema.ts';
import { meetingMessages } from './messages.ts';
import { quorum, type Quorum } from './quorum.ts';

/** Vietnam keeps one offset all year. */
const VN_OFFSET = '+07:00';
export const DAY_MS = 24 * 3600_000;

/** A date (yyyy-mm-dd) and a time (HH:MM) in Asia/Ho_Chi_Minh. */
export function vnDateTime(dateIso: string, time: string): Date {
  return new Date(`${dateIso}T${time}:00${VN_OFFSET}`);
}

/** The month a moment falls in, in Asia/Ho_Chi_Minh ("2021-10"). */
export function periodOf(d: Date): string {
  return todayIso(d).slice(0, 7);
}

/** Regular meetings of a month may be scheduled from the 20th of the month before. */
export function schedulingOpensOn(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return `${py}-${String(pm).padStart(2, '0')}-20`;
}

/** The month after `period`. */
export function nextPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Chỉ thị 50-CT/TW and Hướng dẫn 42-HD/BTCTW (2025): at least 90 minutes, 120 with a thematic part. */
export function minimumMinutes(kind: MeetingKind, topic: string | null): number {
  if (kind === 'thematic' || (kind === 'regular' && topic)) return 120;
  if (kind === 'regular') return 90;
  return 15;
}

/** The standard order of a regular cell meeting (editable per meeting). */
export function standardAgenda(locale: Locale = 'vi'): AgendaItem[] {
  return meetingMessages(locale).agenda.standard.map((title) => ({ title, notes: '' }));
}

export type MeetingInput = {
  kind: MeetingKind;
  date: string;
  time: string;
  durationMinutes: number;
  location: string | null;
  onlineUrl: string | null;
  topic: string | null;
  title: string | null;
};

export class MeetingFormError extends DomainError {
  constructor(readonly fields: Record<string, string>) {
    super('invalid', Object.values(fields)[0] ?? '');
  }
}

/** Checks the rules of a meeting's time and length; field-by-field messages. */
export function checkMeetingRules(input: MeetingInput, opts: { locale: Locale; now: Date; isNew: boolean }): Record<string, string> {
  const m = meetingMessages(opts.locale).errors;
  const errors: Record<string, string> = {};
  const startsAt = vnDateTime(input.date, input.time);
  if (opts.isNew && startsAt.getTime() < opts.now.getTime()) errors.date = m.inThePast;
  const period = periodOf(startsAt);
  if (opts.isNew && input.kind === 'regular') {
    const opens = schedulingOpensOn(period);
    if (todayIso(opts.now) < opens) errors.date = m.tooEarly(period.slice(5, 7) + '/' + period.slice(0, 4), formatDate(opens));
  }
  if (input.kind === 'thematic' && !input.topic) errors.topic = m.topicRequired;
  const min = minimumMinutes(input.kind, input.topic);
  if (input.durationMinutes < min) errors.durationMinutes = min === 120 ? m.tooShortThematic : m.tooShort(min);
  return errors;
}

export function meetingTitle(kind: MeetingKind, period: string, topic: string | null, locale: Locale = 'vi'): string {
  return meetingMessages(locale).titleFor(kind, `${period.slice(5, 7)}/${period.slice(0, 4)}`, topic);
}

/** Tells the cell's members about their meeting (through the one notification path, in the caller's transaction). */
async function tellMembers(tx: Db, who: ActingContext, meeting: Pick<Meeting, 'id' | 'unitId' | 'title' | 'startsAt' | 'location'>, title: string, body?: string): Promise<void> {
  await notify(tx, who, {
    kind: 'meeting',
    urgency: null,
    audience: { unitIds: [meeting.unitId] },
    title,
    body: body ?? `${formatDateTime(meeting.startsAt)}${meeting.location ? ` — ${meeting.location}` : ''}`,
    link: `/meetings/${meeting.id}`,
    unitId: meeting.unitId,
    subject: { type: 'meeting', id: meeting.id },
  });
}

export async function loadMeetingResource(db: Db, id: number): Promise<ResourceFor<'meeting.view'> | null> {
  const [row] = await db
    .select({ id: meetings.id, unitPath: units.path, chair: meetings.chairPersonId, taker: meetings.minuteTakerPersonId })
    .from(meetings)
    .innerJoin(units, eq(units.id, meetings.unitId))
    .where(eq(meetings.id, id));
  return row ? { type: 'meeting', id: row.id, unitPath: row.unitPath, chairPersonId: row.chair, minuteTakerPersonId: row.taker } : null;
}

export async function getMeeting(db: Db, id: number, opts: { forUpdate?: boolean } = {}): Promise<Meeting> {
  const q = db.select().from(meetings).where(eq(meetings.id, id));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  if (!row) throw new DomainError('not_found', meetingMessages('vi').errors.notFound);
  return row;
}

export async function listMeetings(db: Db, unitId: number, opts: { limit?: number; offset?: number } = {}): Promise<Meeting[]> {
  return db
    .select()
    .from(meetings)
    .where(eq(meetings.unitId, unitId))
    .orderBy(desc(meetings.startsAt), desc(meetings.id))
    .limit(opts.limit ?? 24)
    .offset(opts.offset ?? 0);
}

/** The next meeting of a cell: one under way, or the first one ahead. */
export async function nextMeeting(db: Db, unitId: number, now = new Date()): Promise<Meeting | null> {
  const [row] = await db
    .select()
    .from(meetings)
    .where(
      and(
        eq(meetings.unitId, unitId),
        or(eq(meetings.status, 'in_progress'), and(eq(meetings.status, 'scheduled'), gte(meetings.startsAt, new Date(now.getTime() - 12 * 3600_000)))),
      ),
    )
    .orderBy(sql`${meetings.status} = 'in_progress' desc`, asc(meetings.startsAt))
    .limit(1);
  return row ?? null;
}

function assertCell(unit: Unit, locale: Locale) {
  if (unit.kind !== 'cell' || unit.status !== 'active') throw new DomainError('invalid', meetingMessages(locale).errors.notACell);
}

function assertOpen(meeting: Meeting, locale: Locale) {
  if (meeting.status === 'ended' || meeting.status === 'cancelled') throw new DomainError('conflict', meetingMessages(locale).errors.meetingClosed);
}

export async function createMeeting(tx: Db, who: ActingContext, unit: Unit, input: MeetingInput, opts: { locale?: Locale; now?: Date; chairPersonId?: number | null } = {}): Promise<Meeting> {
  const locale = opts.locale ?? 'vi';
  const now = opts.now ?? new Date();
  assertCell(unit, locale);
  const errors = checkMeetingRules(input, { locale, now, isNew: true });
  if (Object.keys(errors).length) throw new MeetingFormError(errors);
  const startsAt = vnDateTime(input.date, input.time);
  const period = periodOf(startsAt);
  if (input.kind === 'regular') {
    const [dup] = await tx
      .select({ id: meetings.id })
      .from(meetings)
      .where(and(eq(meetings.unitId, unit.id), eq(meetings.period, period), eq(meetings.kind, 'regular'), ne(meetings.status, 'cancelled')));
    if (dup) throw new MeetingFormError({ date: meetingMessages(locale).errors.duplicateRegular(`${period.slice(5, 7)}/${period.slice(0, 4)}`) });
  }
  const agenda = input.kind === 'regular' || input.kind === 'thematic' ? standardAgenda('vi') : meetingMessages('vi').agenda.short.map((title) => ({ title, notes: '' }));
  const [row] = await tx
    .insert(meetings)
    .values({
      unitId: unit.id,
      kind: input.kind,
      period,
      title: input.title ?? meetingTitle(input.kind, period, input.topic),
      topic: input.topic,
      startsAt,
      durationMinutes: input.durationMinutes,
      location: input.location,
      onlineUrl: input.onlineUrl,
      agenda,
      chairPersonId: opts.chairPersonId ?? null,
      createdBy: who.accountId,
    })
    .returning();
  await syncRoster(tx, row!.id, unit.id);
  if (opts.chairPersonId != null) {
    const onRoster = await tx.select({ p: meetingRoster.personId }).from(meetingRoster).where(and(eq(meetingRoster.meetingId, row!.id), eq(meetingRoster.personId, opts.chairPersonId)));
    if (onRoster.length === 0) await tx.update(meetings).set({ chairPersonId: null }).where(eq(meetings.id, row!.id));
  }
  await audit(tx, who, { action: 'meeting.schedule', entityType: 'meeting', entityId: row!.id, unitId: unit.id, after: { kind: row!.kind, period, startsAt: startsAt.toISOString(), durationMinutes: row!.durationMinutes } });
  await tellMembers(tx, who, row!, meetingMessages('vi').notices.scheduled(row!.title));
  return row!;
}

export async function updateMeeting(tx: Db, who: ActingContext, id: number, input: MeetingInput, opts: { locale?: Locale; now?: Date } = {}): Promise<Meeting> {
  const locale = opts.locale ?? 'vi';
  const before = await getMeeting(tx, id, { forUpdate: true });
  assertOpen(before, locale);
  const errors = checkMeetingRules(input, { locale, now: opts.now ?? new Date(), isNew: false });
  if (input.kind !== before.kind) errors.kind = meetingMessages(locale).errors.kindFixed;
  if (Object.keys(errors).length) throw new MeetingFormError(errors);
  const startsAt = vnDateTime(input.date, input.time);
  const period = before.kind === 'regular' ? before.period : periodOf(startsAt);
  if (before.kind === 'regular' && periodOf(startsAt) !== before.period) {
    throw new MeetingFormError({ date: meetingMessages(locale).errors.otherMonth(`${before.period.slice(5, 7)}/${before.period.slice(0, 4)}`) });
  }
  const [row] = await tx
    .update(meetings)
    .set({
      startsAt,
      period,
      durationMinutes: input.durationMinutes,
      location: input.location,
      onlineUrl: input.onlineUrl,
      topic: input.topic,
      title: input.title ?? meetingTitle(before.kind, period, input.topic),
      updatedAt: new Date(),
    })
    .where(eq(meetings.id, id))
    .returning();
  await audit(tx, who, {
    action: 'meeting.update',
    entityType: 'meeting',
    entityId: id,
    unitId: before.unitId,
    before: { startsAt: before.startsAt.toISOString(), durationMinutes: before.durationMinutes, location: before.location, onlineUrl: before.onlineUrl, topic: before.topic },
    after: { startsAt: startsAt.toISOString(), durationMinutes: input.durationMinutes, location: input.location, onlineUrl: input.onlineUrl, topic: input.topic },
  });
  if (startsAt.getTime() !== before.startsAt.getTime() || input.location !== before.location || input.onlineUrl !== before.onlineUrl) {
    await tellMembers(tx, who, row!, meetingMessages('vi').notices.changed(row!.title));
  }
  return row!;
}

export async function setAgenda(tx: Db, who: ActingContext, id: number, titles: string[], locale: Locale = 'vi'): Promise<void> {
  const before = await getMeeting(tx, id, { forUpdate: true });
  assertOpen(before, locale);
  const clean = titles.map((t) => t.trim()).filter(Boolean);
  if (clean.length === 0) throw new MeetingFormError({ agenda: meetingMessages(locale).errors.agendaEmpty });
  if (clean.length > 40 || clean.some((t) => t.length > 300)) throw new MeetingFormError({ agenda: meetingMessages(locale).errors.agendaTooLong });
  // Notes follow their item by title, so reordering keeps what was written.
  const notes = new Map(before.agenda.map((a) => [a.title, a.notes]));
  const agenda = clean.map((title) => ({ title, notes: notes.get(title) ?? '' }));
  await tx.update(meetings).set({ agenda, updatedAt: new Date() }).where(eq(meetings.id, id));
  await audit(tx, who, { action: 'meeting.agenda', entityType: 'meeting', entityId: id, unitId: before.unitId, before: before.agenda.map((a) => a.title), after: clean });
}

/** Notes taken during the meeting, per agenda item and in general (they feed the minutes' draft). */
export async function saveNotes(tx: Db, who: ActingContext, id: number, itemNotes: string[], notes: string, locale: Locale = 'vi'): Promise<void> {
  const before = await getMeeting(tx, id, { forUpdate: true });
  if (before.status === 'cancelled') throw new DomainError('conflict', meetingMessages(locale).errors.meetingClosed);
  if (notes.length > 20000 || itemNotes.some((n) => n.length > 20000)) throw new MeetingFormError({ notes: meetingMessages(locale).errors.notesTooLong });
  const agenda = before.agenda.map((a, i) => ({ title: a.title, notes: (itemNotes[i] ?? a.notes).trim() }));
  await tx.update(meetings).set({ agenda, notes: notes.trim(), updatedAt: new Date() }).where(eq(meetings.id, id));
  await audit(tx, who, { action: 'meeting.notes', entityType: 'meeting', entityId: id, unitId: before.unitId });
}

/** Chair and minute-taker: people on the meeting's roster. */
export async function setRoles(tx: Db, who: ActingContext, id: number, chairPersonId: number | null, minuteTakerPersonId: number | null, locale: Locale = 'vi'): Promise<void> {
  const before = await getMeeting(tx, id, { forUpdate: true });
  assertOpen(before, locale);
  const ids = [chairPersonId, minuteTakerPersonId].filter((x): x is number => x != null);
  if (ids.length) {
    const found = await tx.select({ p: meetingRoster.personId }).from(meetingRoster).where(and(eq(meetingRoster.meetingId, id), inArray(meetingRoster.personId, ids)));
    if (found.length !== new Set(ids).size) throw new MeetingFormError({ chairPersonId: meetingMessages(locale).errors.notOnRoster });
  }
  await tx.update(meetings).set({ chairPersonId, minuteTakerPersonId, updatedAt: new Date() }).where(eq(meetings.id, id));
  await audit(tx, who, { action: 'meeting.update', entityType: 'meeting', entityId: id, unitId: before.unitId, before: { chairPersonId: before.chairPersonId, minuteTakerPersonId: before.minuteTakerPersonId }, after: { chairPersonId, minuteTakerPersonId } });
}

export async function setStatus(tx: Db, who: ActingContext, id: number, to: 'in_progress' | 'ended' | 'cancelled', locale: Locale = 'vi'): Promise<Meeting> {
  const before = await getMeeting(tx, id, { forUpdate: true });
  const m = meetingMessages(locale).errors;
  const allowed: Record<typeof to, Meeting['status'][]> = { in_progress: ['scheduled'], ended: ['in_progress'], cancelled: ['scheduled'] };
  if (!allowed[to].includes(before.status)) throw new DomainError('conflict', m.badTransition);
  const now = new Date();
  if (to === 'in_progress') await syncRoster(tx, id, before.unitId);
  const [row] = await tx
    .update(meetings)
    .set({ status: to, ...(to === 'in_progress' ? { startedAt: now } : {}), ...(to === 'ended' ? { endedAt: now } : {}), updatedAt: now })
    .where(eq(meetings.id, id))
    .returning();
  await audit(tx, who, { action: to === 'in_progress' ? 'meeting.start' : to === 'ended' ? 'meeting.end' : 'meeting.cancel', entityType: 'meeting', entityId: id, unitId: before.unitId, before: { status: before.status }, after: { status: to } });
  if (to === 'cancelled') await tellMembers(tx, who, row!, meetingMessages('vi').notices.cancelled(row!.title));
  return row!;
}

/**
 * Brings the roster in line with the cell: its own members (active, away on a temporary
 * transfer, suspended) and members attending it temporarily (guests). Standing, exemption and
 * status are refreshed until the meeting ends; attendance already recorded stays.
 */
export async function syncRoster(tx: Db, meetingId: number, cellId: number): Promise<void> {
  const current = await tx
    .select({ personId: members.personId, unitId: members.unitId, standing: members.standing, exempt: members.exempt, status: members.status })
    .from(members)
    .where(and(or(eq(members.unitId, cellId), eq(members.temporaryUnitId, cellId)), inArray(members.status, ['active', 'temporarily_transferred', 'suspended'])));
  const rows = current.map((c) => ({
    meetingId,
    personId: c.personId,
    standing: c.standing,
    exempt: c.exempt,
    memberStatus: c.status as 'active' | 'temporarily_transferred' | 'suspended',
    guest: c.unitId !== cellId,
  }));
  if (rows.length) {
    await tx
      .insert(meetingRoster)
      .values(rows)
      .onConflictDoUpdate({
        target: [meetingRoster.meetingId, meetingRoster.personId],
        set: { standing: sql`excluded.standing`, exempt: sql`excluded.exempt`, memberStatus: sql`excluded.member_status`, guest: sql`excluded.guest` },
      });
  }
  // Members who left the cell since, with nothing recorded for them, leave the roster.
  const ids = rows.map((r) => r.personId);
  await tx
    .delete(meetingRoster)
    .where(and(eq(meetingRoster.meetingId, meetingId), isNull(meetingRoster.attendance), ids.length ? sql`${meetingRoster.personId} not in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})` : sql`true`));
}

export type RosterEntry = {
  personId: number;
  fullName: string;
  phoneKind: 'smartphone' | 'basic' | 'none';
  standing: 'official' | 'probationary';
  exempt: boolean;
  memberStatus: 'active' | 'temporarily_transferred' | 'suspended';
  guest: boolean;
  attendance: Attendance | null;
  online: boolean;
  reason: string | null;
};

/** The roster with names, sorted the Vietnamese way. */
export async function getRoster(db: Db, meetingId: number): Promise<RosterEntry[]> {
  return db
    .select({
      personId: meetingRoster.personId,
      fullName: people.fullName,
      phoneKind: people.phoneKind,
      standing: meetingRoster.standing,
      exempt: meetingRoster.exempt,
      memberStatus: meetingRoster.memberStatus,
      guest: meetingRoster.guest,
      attendance: meetingRoster.attendance,
      online: meetingRoster.online,
      reason: meetingRoster.reason,
    })
    .from(meetingRoster)
    .innerJoin(people, eq(people.id, meetingRoster.personId))
    .where(eq(meetingRoster.meetingId, meetingId))
    .orderBy(asc(people.sortKey), asc(people.id));
}

export async function meetingQuorum(db: Db, meetingId: number): Promise<Quorum> {
  return quorum(await getRoster(db, meetingId));
}

export type AttendanceEntry = { personId: number; attendance: Attendance | null; online: boolean; reason: string | null };

/** Records attendance for some members of the roster; online counts only as present. */
export async function recordAttendance(tx: Db, who: ActingContext, meetingId: number, entries: AttendanceEntry[], locale: Locale = 'vi'): Promise<void> {
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  const m = meetingMessages(locale).errors;
  if (meeting.status === 'cancelled' || meeting.status === 'ended') throw new DomainError('conflict', m.meetingClosed);
  const roster = new Map((await getRoster(tx, meetingId)).map((r) => [r.personId, r]));
  const now = new Date();
  const changes: { personId: number; attendance: Attendance | null; online: boolean }[] = [];
  for (const e of entries) {
    const r = roster.get(e.personId);
    if (!r) throw new DomainError('invalid', m.notOnRoster);
    if (e.attendance === 'exempt' && !r.exempt) throw new DomainError('invalid', m.notExempt(r.fullName));
    if (e.online && e.attendance !== 'present') throw new DomainError('invalid', m.onlineMeansPresent(r.fullName));
    const reason = e.attendance === 'absent_excused' || e.attendance === 'absent_unexcused' ? (e.reason?.trim() || null) : null;
    if (reason && reason.length > 300) throw new DomainError('invalid', m.reasonTooLong);
    if (r.attendance === e.attendance && r.online === e.online && (r.reason ?? null) === reason) continue;
    await tx
      .update(meetingRoster)
      .set({ attendance: e.attendance, online: e.online, reason, recordedBy: who.accountId, recordedAt: now })
      .where(and(eq(meetingRoster.meetingId, meetingId), eq(meetingRoster.personId, e.personId)));
    changes.push({ personId: e.personId, attendance: e.attendance, online: e.online });
  }
  if (changes.length) await audit(tx, who, { action: 'meeting.attendance', entityType: 'meeting', entityId: meetingId, unitId: meeting.unitId, after: { changes } });
}

/** "Everyone present": marks every member not yet recorded as present (exempt members stay as they are). */
export async function markUnrecordedPresent(tx: Db, who: ActingContext, meetingId: number, locale: Locale = 'vi'): Promise<number> {
  const roster = await getRoster(tx, meetingId);
  const entries = roster
    .filter((r) => r.attendance == null && r.memberStatus !== 'suspended' && !(r.memberStatus === 'temporarily_transferred' && !r.guest) && !r.exempt)
    .map((r) => ({ personId: r.personId, attendance: 'present' as const, online: false, reason: null }));
  await recordAttendance(tx, who, meetingId, entries, locale);
  return entries.length;
}

// Materials.

export type MaterialView = MeetingMaterial & { late: boolean; documentNumber: string | null };

/** Posted less than a day before the meeting starts. */
export const isLate = (addedAt: Date, startsAt: Date) => startsAt.getTime() - addedAt.getTime() < DAY_MS;

export async function listMaterials(db: Db, meetingId: number): Promise<MaterialView[]> {
  const rows = await db
    .select({
      id: meetingMaterials.id,
      meetingId: meetingMaterials.meetingId,
      documentId: meetingMaterials.documentId,
      title: meetingMaterials.title,
      fileName: meetingMaterials.fileName,
      mime: meetingMaterials.mime,
      size: meetingMaterials.size,
      addedBy: meetingMaterials.addedBy,
      addedAt: meetingMaterials.addedAt,
      removedAt: meetingMaterials.removedAt,
      startsAt: meetings.startsAt,
      documentNumber: documents.number,
    })
    .from(meetingMaterials)
    .innerJoin(meetings, eq(meetings.id, meetingMaterials.meetingId))
    .leftJoin(documents, eq(documents.id, meetingMaterials.documentId))
    .where(and(eq(meetingMaterials.meetingId, meetingId), isNull(meetingMaterials.removedAt)))
    .orderBy(asc(meetingMaterials.id));
  return rows.map(({ startsAt, ...r }) => ({ ...r, late: isLate(r.addedAt, startsAt) }));
}

export type NewMaterial = { documentId: number; title?: string } | { fileName: string; mime: string; content: Buffer; title?: string };

/** Adds a material; returns whether it came less than a day before the meeting (the page warns). */
export async function addMaterial(tx: Db, who: ActingContext, meetingId: number, input: NewMaterial, opts: { locale?: Locale; now?: Date } = {}): Promise<{ id: number; late: boolean }> {
  const locale = opts.locale ?? 'vi';
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  assertOpen(meeting, locale);
  const now = opts.now ?? new Date();
  let values: typeof meetingMaterials.$inferInsert;
  if ('documentId' in input) {
    const [doc] = await tx.select({ id: documents.id, subject: documents.subject, secrecy: documents.secrecy }).from(documents).where(eq(documents.id, input.documentId));
    if (!doc) throw new DomainError('invalid', meetingMessages(locale).errors.documentMissing);
    if (doc.secrecy != null) throw new DomainError('invalid', meetingMessages(locale).errors.documentClassified);
    values = { meetingId, documentId: doc.id, title: (input.title?.trim() || doc.subject).slice(0, 500), addedBy: who.accountId, addedAt: now };
  } else {
    if (input.content.length === 0) throw new DomainError('invalid', meetingMessages(locale).errors.fileEmpty);
    values = { meetingId, title: (input.title?.trim() || input.fileName).slice(0, 500), fileName: input.fileName, mime: input.mime, size: input.content.length, content: input.content, addedBy: who.accountId, addedAt: now };
  }
  const [row] = await tx.insert(meetingMaterials).values(values).returning({ id: meetingMaterials.id });
  const late = isLate(now, meeting.startsAt);
  await audit(tx, who, { action: 'meeting.material_add', entityType: 'meeting', entityId: meetingId, unitId: meeting.unitId, after: { materialId: row!.id, documentId: values.documentId ?? null, fileName: values.fileName ?? null, late } });
  await tellMembers(tx, who, meeting, meetingMessages('vi').notices.material(meeting.title), values.title);
  return { id: row!.id, late };
}

export async function removeMaterial(tx: Db, who: ActingContext, meetingId: number, materialId: number, locale: Locale = 'vi'): Promise<void> {
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  assertOpen(meeting, locale);
  const rows = await tx
    .update(meetingMaterials)
    .set({ removedAt: new Date() })
    .where(and(eq(meetingMaterials.id, materialId), eq(meetingMaterials.meetingId, meetingId), isNull(meetingMaterials.removedAt)))
    .returning({ id: meetingMaterials.id });
  if (rows.length === 0) throw new DomainError('not_found', meetingMessages(locale).errors.materialMissing);
  await audit(tx, who, { action: 'meeting.material_remove', entityType: 'meeting', entityId: meetingId, unitId: meeting.unitId, before: { materialId } });
}

export async function getMaterialFile(db: Db, meetingId: number, materialId: number) {
  const [row] = await db
    .select({ fileName: meetingMaterials.fileName, mime: meetingMaterials.mime, content: meetingMaterials.content, documentId: meetingMaterials.documentId })
    .from(meetingMaterials)
    .where(and(eq(meetingMaterials.id, materialId), eq(meetingMaterials.meetingId, meetingId), isNull(meetingMaterials.removedAt)));
  return row ?? null;
}

// Quality of the meeting.

export async function rateMeeting(tx: Db, who: ActingContext, id: number, quality: MeetingQuality, note: string | null, locale: Locale = 'vi'): Promise<void> {
  const before = await getMeeting(tx, id, { forUpdate: true });
  if (before.status !== 'in_progress' && before.status !== 'ended') throw new DomainError('conflict', meetingMessages(locale).errors.rateWhenHeld);
  await tx.update(meetings).set({ quality, qualityNote: note, qualityBy: who.accountId, qualityAt: new Date(), updatedAt: new Date() }).where(eq(meetings.id, id));
  await audit(tx, who, { action: 'meeting.quality', entityType: 'meeting', entityId: id, unitId: before.unitId, before: { quality: before.quality }, after: { quality, note } });
}

export type QualityRow = { unitId: number; unitName: string; held: number; good: number; fair: number; average: number; poor: number; unrated: number };

/** Meetings held in a year in each cell of a subtree, by quality (for committees). */
export async function qualityRollup(db: Db, subtreePath: string, year: number): Promise<QualityRow[]> {
  const rows = await db
    .select({
      unitId: units.id,
      unitName: units.name,
      held: sql<number>`count(${meetings.id}) filter (where ${meetings.status} in ('in_progress', 'ended'))::int`,
      good: sql<number>`count(*) filter (where ${meetings.quality} = 'good')::int`,
      fair: sql<number>`count(*) filter (where ${meetings.quality} = 'fair')::int`,
      average: sql<number>`count(*) filter (where ${meetings.quality} = 'average')::int`,
      poor: sql<number>`count(*) filter (where ${meetings.quality} = 'poor')::int`,
      unrated: sql<number>`count(*) filter (where ${meetings.status} in ('in_progress', 'ended') and ${meetings.quality} is null)::int`,
    })
    .from(units)
    .leftJoin(meetings, and(eq(meetings.unitId, units.id), like(meetings.period, `${year}-%`)))
    .where(and(like(units.path, `${subtreePath}%`), eq(units.kind, 'cell'), eq(units.status, 'active')))
    .groupBy(units.id, units.name, units.path)
    .orderBy(asc(units.path));
  return rows.map((r) => ({ ...r, held: Number(r.held), good: Number(r.good), fair: Number(r.fair), average: Number(r.average), poor: Number(r.poor), unrated: Number(r.unrated) }));
}

/**
 * "Everyone present received the meeting's documents": recorded on the meeting, and — for the
 * materials that are documents published to the cell — as read in person on behalf of each
 * member present (the distribution feature's record-on-behalf, in the same transaction).
 * Returns who was present and how many readings were recorded.
 */
export async function markDocumentsReceived(tx: Db, who: ActingContext, id: number, locale: Locale = 'vi'): Promise<{ present: number[]; readings: number }> {
  const meeting = await getMeeting(tx, id, { forUpdate: true });
  if (meeting.status !== 'in_progress' && meeting.status !== 'ended') throw new DomainError('conflict', meetingMessages(locale).errors.receivedWhenHeld);
  const present = (await getRoster(tx, id)).filter((r) => r.attendance === 'present').map((r) => r.personId);
  const [cell] = await tx.select({ path: units.path }).from(units).where(eq(units.id, meeting.unitId));
  const publications = await queryRows<{ id: number }>(
    tx,
    sql`select distinct p.id::int as id from meeting_materials mm
        join publications p on p.document_id = mm.document_id
        join publication_audience a on a.publication_id = p.id
        join units u on u.id = a.unit_id
        where mm.meeting_id = ${id} and mm.removed_at is null and ${cell!.path} like u.path || '%'`,
  );
  let readings = 0;
  if (publications.length && present.length) {
    const done = await recordDisseminatedAtMeeting(tx, who, { cellId: meeting.unitId, personIds: present, publicationIds: publications.map((p) => Number(p.id)), locale });
    readings = done.reduce((n, d) => n + d.recorded, 0);
  }
  await tx.update(meetings).set({ documentsReceivedAt: new Date(), updatedAt: new Date() }).where(eq(meetings.id, id));
  await audit(tx, who, { action: 'meeting.documents_received', entityType: 'meeting', entityId: id, unitId: meeting.unitId, after: { present: present.length, publications: publications.map((p) => Number(p.id)), readings } });
  return { present, readings };
}
