// Biên bản: drafted from the meeting's agenda, attendance, questions and notes; edited; approved
// by the chair and the minute-taker; then locked (a database trigger refuses any change to
// approved minutes). A later change opens a new version, approved again; every step is audited.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError } from '../core/errors.ts';
import { formatDateTime, formatNumber, type Locale } from '../core/i18n/i18n.ts';
import { createPdf, pdfBuffer } from '../core/pdf/pdf.ts';
import { units, type Unit } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { meetingMinutes, type Meeting, type Minutes, type MinutesContent, type MinutesSection, type Question } from './schema.ts';
import { getMeeting, getRoster, type RosterEntry } from './meetings.ts';
import { quorum } from './quorum.ts';
import { listQuestions, resultOf, type Result } from './votes.ts';
import { meetingMessages } from './messages.ts';

const TZ_PARTS = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
function vnParts(d: Date) {
  const p = Object.fromEntries(TZ_PARTS.formatToParts(d).map((x) => [x.type, x.value]));
  return { day: p.day!, month: p.month!, year: p.year!, hour: p.hour === '24' ? '00' : p.hour!, minute: p.minute! };
}

/** "Đông Thọ" from "Đảng ủy xã Đông Thọ": the place named in the date line. */
export function placeName(unitName: string): string {
  return unitName.replace(/^(Đảng ủy|Đảng bộ|Chi bộ|Thành ủy|Huyện ủy|Tỉnh ủy|Quận ủy|Thị ủy)\s+/i, '').replace(/^(xã|phường|thị trấn|thôn|khu dân cư|tổ dân phố|thành phố|huyện|tỉnh|quận|thị xã)\s+/i, '');
}

async function personName(db: Db, id: number | null): Promise<string> {
  if (id == null) return '';
  const [p] = await db.select({ n: people.fullName }).from(people).where(eq(people.id, id));
  return p?.n ?? '';
}

export function describeResult(q: Question, r: Result, locale: Locale = 'vi'): string {
  const m = meetingMessages(locale);
  const parts: string[] = [m.minutes.answered(r.answered, r.eligible)];
  if (r.counts) {
    const label = (k: string) => (q.kind === 'agree' ? m.choices[k as 'agree'] : q.kind === 'rating' ? k : (q.options[Number(k)] ?? k));
    parts.push(Object.entries(r.counts).map(([k, n]) => `${label(k)}: ${n}`).join('; '));
  }
  if (r.average != null) parts.push(m.minutes.average(formatNumber(r.average, locale)));
  if (r.texts?.length) parts.push(r.texts.map((t) => `“${t}”`).join('; '));
  if (r.verdict) parts.push(m.verdictLine(r.verdict.votesFor, r.verdict.base, formatNumber(r.verdict.half, locale), r.verdict.passed));
  return `${q.prompt}${q.secret ? ` (${m.secretShort})` : ''} — ${parts.join('. ')}.`;
}

export function attendanceSummary(roster: RosterEntry[], locale: Locale = 'vi'): string {
  const m = meetingMessages(locale).minutes;
  const own = roster.filter((r) => !r.guest);
  const officials = own.filter((r) => r.standing === 'official').length;
  const present = roster.filter((r) => r.attendance === 'present');
  const online = present.filter((r) => r.online).length;
  const excused = roster.filter((r) => r.attendance === 'absent_excused');
  const unexcused = roster.filter((r) => r.attendance === 'absent_unexcused');
  const exempt = roster.filter((r) => r.attendance === 'exempt');
  const named = (list: RosterEntry[]) => list.map((r) => (r.reason ? `${r.fullName} (${r.reason})` : r.fullName)).join(', ');
  const lines = [m.total(own.length, officials, own.length - officials), m.present(present.length, online)];
  if (excused.length) lines.push(m.excused(excused.length, named(excused)));
  if (unexcused.length) lines.push(m.unexcused(unexcused.length, named(unexcused)));
  if (exempt.length) lines.push(m.exempt(exempt.length, named(exempt)));
  const guests = roster.filter((r) => r.guest && r.attendance === 'present');
  if (guests.length) lines.push(m.guests(guests.length, named(guests)));
  const q = quorum(roster);
  lines.push(m.quorum(q.base, formatNumber(q.half, locale), q.needed));
  return lines.join('\n');
}

/** The draft, from what the meeting recorded. */
export async function draftContent(db: Db, meeting: Meeting, locale: Locale = 'vi'): Promise<MinutesContent> {
  const m = meetingMessages(locale);
  const [cell] = await db.select().from(units).where(eq(units.id, meeting.unitId));
  const parent = cell?.parentId ? (await db.select().from(units).where(eq(units.id, cell.parentId)))[0] : undefined;
  const roster = await getRoster(db, meeting.id);
  const questions = (await listQuestions(db, meeting.id)).filter((q) => q.status !== 'draft');
  const start = vnParts(meeting.startedAt ?? meeting.startsAt);
  const chair = await personName(db, meeting.chairPersonId);
  const taker = await personName(db, meeting.minuteTakerPersonId);
  const sections: MinutesSection[] = [
    {
      heading: m.minutes.setting,
      body: [m.minutes.time(start.hour, start.minute, `${start.day}/${start.month}/${start.year}`), meeting.location ? m.minutes.place(meeting.location) : '', meeting.onlineUrl ? m.minutes.online(meeting.onlineUrl) : '', m.minutes.chair(chair || '…'), m.minutes.taker(taker || '…')]
        .filter(Boolean)
        .join('\n'),
    },
    { heading: m.minutes.attendance, body: attendanceSummary(roster, locale) },
  ];
  for (const item of meeting.agenda) sections.push({ heading: item.title, body: item.notes });
  if (questions.length) {
    const lines: string[] = [];
    for (const q of questions) lines.push(`- ${describeResult(q, await resultOf(db, q, roster), locale)}`);
    sections.push({ heading: m.minutes.votes, body: lines.join('\n') });
  }
  if (meeting.notes) sections.push({ heading: m.minutes.otherNotes, body: meeting.notes });
  if (meeting.quality) sections.push({ heading: m.minutes.quality, body: `${m.quality[meeting.quality]}${meeting.qualityNote ? ` — ${meeting.qualityNote}` : ''}` });
  const end = meeting.endedAt ? vnParts(meeting.endedAt) : null;
  sections.push({ heading: m.minutes.closing, body: end ? m.minutes.ended(end.hour, end.minute, `${end.day}/${end.month}/${end.year}`) : m.minutes.endedBlank });
  const date = vnParts(meeting.startsAt);
  return {
    header: {
      parent: (parent?.name ?? '').toUpperCase(),
      cell: (cell?.name ?? '').toUpperCase(),
      placeDate: m.minutes.placeDate(parent ? placeName(parent.name) : cell ? placeName(cell.name) : '', date.day, date.month, date.year),
      title: meeting.title,
    },
    sections,
  };
}

export async function listMinutes(db: Db, meetingId: number): Promise<Minutes[]> {
  return db.select().from(meetingMinutes).where(eq(meetingMinutes.meetingId, meetingId)).orderBy(desc(meetingMinutes.version));
}

export async function currentMinutes(db: Db, meetingId: number): Promise<Minutes | null> {
  return (await listMinutes(db, meetingId))[0] ?? null;
}

/** Creates the first draft, or redrafts the current draft from the meeting's data. */
export async function draftMinutes(tx: Db, who: ActingContext, meetingId: number, locale: Locale = 'vi'): Promise<Minutes> {
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  const m = meetingMessages(locale).errors;
  if (meeting.status === 'scheduled' || meeting.status === 'cancelled') throw new DomainError('conflict', m.minutesWhenHeld);
  const current = await currentMinutes(tx, meetingId);
  const content = await draftContent(tx, meeting);
  let row: Minutes;
  if (!current) {
    [row] = (await tx.insert(meetingMinutes).values({ meetingId, version: 1, content, createdBy: who.accountId }).returning()) as [Minutes];
  } else if (current.status === 'draft') {
    [row] = (await tx
      .update(meetingMinutes)
      .set({ content, chairApprovedBy: null, chairApprovedAt: null, takerApprovedBy: null, takerApprovedAt: null, updatedAt: new Date() })
      .where(eq(meetingMinutes.id, current.id))
      .returning()) as [Minutes];
  } else {
    throw new DomainError('conflict', m.minutesLocked);
  }
  await audit(tx, who, { action: 'minutes.draft', entityType: 'meeting_minutes', entityId: row.id, unitId: meeting.unitId, after: { meetingId, version: row.version } });
  return row;
}

/** Saves edits to the current draft; any approval given so far is withdrawn (the text changed). */
export async function editMinutes(tx: Db, who: ActingContext, meetingId: number, sections: MinutesSection[], locale: Locale = 'vi'): Promise<Minutes> {
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  const m = meetingMessages(locale).errors;
  const current = await currentMinutes(tx, meetingId);
  if (!current) throw new DomainError('conflict', m.minutesMissing);
  if (current.status !== 'draft') throw new DomainError('conflict', m.minutesLocked);
  const clean = sections.map((s) => ({ heading: s.heading.trim(), body: s.body.replace(/\r\n/g, '\n').trim() })).filter((s) => s.heading || s.body);
  if (clean.length === 0) throw new DomainError('invalid', m.minutesEmpty);
  if (clean.some((s) => s.heading.length > 300 || s.body.length > 50_000)) throw new DomainError('invalid', m.minutesTooLong);
  const [row] = (await tx
    .update(meetingMinutes)
    .set({ content: { header: current.content.header, sections: clean }, chairApprovedBy: null, chairApprovedAt: null, takerApprovedBy: null, takerApprovedAt: null, updatedAt: new Date() })
    .where(eq(meetingMinutes.id, current.id))
    .returning()) as [Minutes];
  await audit(tx, who, { action: 'minutes.edit', entityType: 'meeting_minutes', entityId: row.id, unitId: meeting.unitId, after: { meetingId, version: row.version, sections: clean.length } });
  return row;
}

/**
 * The chair and the minute-taker each approve the current draft (one person holding both
 * approves as both). With both approvals the minutes are approved and locked.
 */
export async function approveMinutes(tx: Db, who: ActingContext, actorPersonId: number, meetingId: number, locale: Locale = 'vi'): Promise<Minutes> {
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  const m = meetingMessages(locale).errors;
  if (meeting.status !== 'ended') throw new DomainError('conflict', m.approveWhenEnded);
  if (meeting.chairPersonId == null || meeting.minuteTakerPersonId == null) throw new DomainError('conflict', m.rolesMissing);
  const current = await currentMinutes(tx, meetingId);
  if (!current) throw new DomainError('conflict', m.minutesMissing);
  if (current.status !== 'draft') throw new DomainError('conflict', m.minutesLocked);
  const asChair = meeting.chairPersonId === actorPersonId;
  const asTaker = meeting.minuteTakerPersonId === actorPersonId;
  if (!asChair && !asTaker) throw new DomainError('forbidden', m.notChairOrTaker);
  const now = new Date();
  const set: Partial<typeof meetingMinutes.$inferInsert> = { updatedAt: now };
  if (asChair) Object.assign(set, { chairApprovedBy: who.accountId, chairApprovedAt: now });
  if (asTaker) Object.assign(set, { takerApprovedBy: who.accountId, takerApprovedAt: now });
  const chairDone = asChair || current.chairApprovedAt != null;
  const takerDone = asTaker || current.takerApprovedAt != null;
  if (chairDone && takerDone) Object.assign(set, { status: 'approved', approvedAt: now });
  const [row] = (await tx.update(meetingMinutes).set(set).where(eq(meetingMinutes.id, current.id)).returning()) as [Minutes];
  await audit(tx, who, { action: 'minutes.approve', entityType: 'meeting_minutes', entityId: row.id, unitId: meeting.unitId, after: { meetingId, version: row.version, asChair, asTaker, locked: row.status === 'approved' } });
  return row;
}

/** Approved minutes are never changed: a correction opens a new version (a copy to edit and approve again). */
export async function newMinutesVersion(tx: Db, who: ActingContext, meetingId: number, reason: string, locale: Locale = 'vi'): Promise<Minutes> {
  const meeting = await getMeeting(tx, meetingId, { forUpdate: true });
  const m = meetingMessages(locale).errors;
  const current = await currentMinutes(tx, meetingId);
  if (!current || current.status !== 'approved') throw new DomainError('conflict', m.newVersionOfApproved);
  const why = reason.trim();
  if (!why) throw new DomainError('invalid', m.reasonRequired);
  if (why.length > 500) throw new DomainError('invalid', m.reasonTooLong);
  const [row] = (await tx.insert(meetingMinutes).values({ meetingId, version: current.version + 1, content: current.content, reason: why, createdBy: who.accountId }).returning()) as [Minutes];
  await audit(tx, who, { action: 'minutes.new_version', entityType: 'meeting_minutes', entityId: row.id, unitId: meeting.unitId, after: { meetingId, version: row.version, reason: why, previousVersion: current.version } });
  return row;
}

export async function getMinutesVersion(db: Db, meetingId: number, version: number): Promise<Minutes | null> {
  const [row] = await db.select().from(meetingMinutes).where(and(eq(meetingMinutes.meetingId, meetingId), eq(meetingMinutes.version, version)));
  return row ?? null;
}

/** The minutes as a PDF in the layout of party documents (Hướng dẫn 36-HD/VPTW), Vietnamese fonts embedded. */
export async function minutesPdf(db: Db, meeting: Meeting, minutes: Minutes, cell: Unit, locale: Locale = 'vi'): Promise<Buffer> {
  const m = meetingMessages(locale);
  const c = minutes.content;
  const doc = createPdf({ title: `${m.minutes.pdfTitle} — ${c.header.title ?? meeting.title}`, margin: 56 });
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const half = width / 2;
  const top = doc.y;
  if (minutes.status !== 'approved') {
    doc.font('bold').fontSize(11).fillColor('#b3261e').text(m.minutes.draftMark, left, top - 28, { width, align: 'center' }).fillColor('black');
  }
  doc.font('regular').fontSize(12).text(c.header.parent ?? '', left, top, { width: half, align: 'center' });
  doc.font('bold').text(c.header.cell ?? '', { width: half, align: 'center' });
  doc.font('regular').text('*', { width: half, align: 'center' });
  const leftEnd = doc.y;
  doc.font('bold').fontSize(13).text(m.minutes.party, left + half, top, { width: half, align: 'center', underline: true });
  doc.font('regular').fontSize(12).text(c.header.placeDate ?? '', left + half, doc.y + 4, { width: half, align: 'center' });
  doc.y = Math.max(leftEnd, doc.y) + 24;
  doc.font('bold').fontSize(15).text(m.minutes.pdfTitle, left, doc.y, { width, align: 'center' });
  doc.font('bold').fontSize(13).text(c.header.title ?? meeting.title, { width, align: 'center' });
  if (minutes.version > 1) doc.font('regular').fontSize(11).text(m.minutes.versionLine(minutes.version, minutes.reason ?? ''), { width, align: 'center' });
  doc.moveDown(1);
  c.sections.forEach((s, i) => {
    doc.font('bold').fontSize(12).text(`${i + 1}. ${s.heading}`, left, doc.y, { width, align: 'left' });
    if (s.body) doc.font('regular').fontSize(12).text(s.body, { width, align: 'justify', paragraphGap: 2 });
    doc.moveDown(0.5);
  });
  doc.moveDown(1);
  if (doc.y > doc.page.height - doc.page.margins.bottom - 120) doc.addPage();
  const sigTop = doc.y;
  const chair = await personName(db, meeting.chairPersonId);
  const taker = await personName(db, meeting.minuteTakerPersonId);
  doc.font('bold').fontSize(12).text(m.minutes.takerSign, left, sigTop, { width: half, align: 'center' });
  doc.text(m.minutes.chairSign, left + half, sigTop, { width: half, align: 'center' });
  const approved = (at: Date | null) => (at ? m.minutes.approvedAt(formatDateTime(at)) : '');
  doc.font('regular').fontSize(10).text(approved(minutes.takerApprovedAt), left, sigTop + 20, { width: half, align: 'center' });
  doc.text(approved(minutes.chairApprovedAt), left + half, sigTop + 20, { width: half, align: 'center' });
  doc.font('bold').fontSize(12).text(taker, left, sigTop + 70, { width: half, align: 'center' });
  doc.text(chair, left + half, sigTop + 70, { width: half, align: 'center' });
  return pdfBuffer(doc);
}
