// Minutes: drafted from the meeting (agenda, attendance with reasons, vote results with both
// numbers, notes), edited, approved by the chair and the minute-taker, then locked — by the
// domain and by a database trigger — with later changes as new versions; the PDF carries the
// Vietnamese text; members read approved minutes only, other cells nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { extractText, getDocumentProxy } from 'unpdf';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { personByPhone, unitByCode } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { createMeeting, getRoster, markUnrecordedPresent, recordAttendance, saveNotes, setStatus } from './meetings.ts';
import { answerQuestion, closeQuestion, createQuestion, openQuestion } from './votes.ts';
import { meetingMinutes } from './schema.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

const squash = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

test('from the meeting to approved, locked minutes, a second version and the PDF', async () => {
  const db = t.database.db;
  const cell = await unitByCode(db, 'TB-DT-1');
  const date = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  const secretary = await personByPhone(db, '0912000201');
  const meeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date, time: '19:30', durationMinutes: 90, location: 'Nhà văn hóa thôn Đông Thọ', onlineUrl: null, topic: 'Làm đường giao thông nông thôn', title: null }, { chairPersonId: secretary.id }));
  await db.transaction((tx) => setStatus(tx, SYSTEM_CONTEXT, meeting.id, 'in_progress'));
  await db.transaction((tx) => markUnrecordedPresent(tx, SYSTEM_CONTEXT, meeting.id));
  const roster = await getRoster(db, meeting.id);
  const absent = roster.find((r) => r.attendance === 'present' && r.standing === 'official' && r.personId !== secretary.id)!;
  await db.transaction((tx) => recordAttendance(tx, SYSTEM_CONTEXT, meeting.id, [{ personId: absent.personId, attendance: 'absent_excused', online: false, reason: 'Đi công tác' }]));
  const q = await db.transaction((tx) => createQuestion(tx, SYSTEM_CONTEXT, meeting.id, { kind: 'agree', prompt: 'Thông qua chủ trương làm đường', options: [], ratingMax: null, secret: false, resolution: true }));
  await db.transaction((tx) => openQuestion(tx, SYSTEM_CONTEXT, q.id));
  const voters = (await getRoster(db, meeting.id)).filter((r) => r.attendance === 'present' && r.standing === 'official');
  for (const v of voters) await db.transaction((tx) => answerQuestion(tx, SYSTEM_CONTEXT, { questionId: q.id, personId: v.personId, answer: { choice: 'agree' }, onBehalf: true }));
  const result = await db.transaction((tx) => closeQuestion(tx, SYSTEM_CONTEXT, q.id));
  await db.transaction((tx) => saveNotes(tx, SYSTEM_CONTEXT, meeting.id, ['', 'Đồng chí bí thư nêu mục đích buổi sinh hoạt.'], 'Đề nghị Đảng ủy xã hỗ trợ xi măng.'));

  const sec = await loggedIn(t.app, '0912000201');
  const member = await loggedIn(t.app, '0912000301');
  const takerPerson = await personByPhone(db, '0913000201');
  // Roles: the deputy takes the minutes.
  await sec.get(`/meetings/${meeting.id}/edit`);
  assert.equal((await sec.post(`/meetings/${meeting.id}/roles`, { chairPersonId: String(secretary.id), minuteTakerPersonId: String(takerPerson.id) })).status, 303);
  // The draft comes from the meeting's data.
  await sec.get(`/meetings/${meeting.id}/minutes`);
  assert.equal((await sec.post(`/meetings/${meeting.id}/minutes/draft`)).status, 303);
  const draft = text((await sec.get(`/meetings/${meeting.id}/minutes`)).body);
  for (const s of ['Tuyên bố lý do, cử thư ký', 'Địa điểm: Nhà văn hóa thôn Đông Thọ.', `Vắng có lý do: 1 — ${absent.fullName} (Đi công tác).`, 'Đồng chí bí thư nêu mục đích buổi sinh hoạt.', 'Đề nghị Đảng ủy xã hỗ trợ xi măng.', 'Thông qua chủ trương làm đường', `Tán thành ${voters.length} phiếu; số đảng viên chính thức được tính ${result.verdict!.base}`, 'THÔNG QUA (số tán thành hơn một nửa)', `Thư ký: đồng chí ${takerPerson.fullName}.`]) {
    assert.ok(draft.includes(s), s);
  }
  // A member does not see the draft; a member of another cell sees nothing.
  assert.ok(text((await member.get(`/meetings/${meeting.id}/minutes`)).body).includes('Chưa có biên bản.'));
  assert.equal((await member.get(`/meetings/${meeting.id}/minutes.pdf`)).status, 404);
  const outsider = await loggedIn(t.app, '0912000303');
  assert.equal((await outsider.get(`/meetings/${meeting.id}/minutes`)).status, 403);
  assert.equal((await outsider.get(`/meetings/${meeting.id}/minutes.pdf`)).status, 403);

  // Approval waits for the end of the meeting.
  const early = await sec.post(`/meetings/${meeting.id}/minutes/approve`);
  assert.equal(early.status, 409);
  assert.ok(text(early.body).includes('Chỉ thông qua biên bản khi buổi sinh hoạt đã kết thúc.'));
  await sec.post(`/meetings/${meeting.id}/end`);

  // Edit, approve by the chair; an edit withdraws the approval; both approve; locked.
  const [row] = await db.select().from(meetingMinutes).where(eq(meetingMinutes.meetingId, meeting.id));
  const headings = row!.content.sections.map((s) => s.heading);
  const bodies = row!.content.sections.map((s) => s.body);
  bodies[bodies.length - 1] = 'Buổi sinh hoạt kết thúc lúc 21 giờ 15 phút cùng ngày.';
  await sec.get(`/meetings/${meeting.id}/minutes`);
  assert.equal((await sec.post(`/meetings/${meeting.id}/minutes`, { heading: [...headings, ''], body: [...bodies, ''] })).status, 303);
  assert.equal((await sec.post(`/meetings/${meeting.id}/minutes/approve`)).status, 303);
  let [v1] = await db.select().from(meetingMinutes).where(eq(meetingMinutes.meetingId, meeting.id));
  assert.ok(v1!.chairApprovedAt && !v1!.takerApprovedAt && v1!.status === 'draft');
  await sec.post(`/meetings/${meeting.id}/minutes`, { heading: headings, body: bodies.map((b, i) => (i === 0 ? `${b}\nKhách mời: không có.` : b)) });
  [v1] = await db.select().from(meetingMinutes).where(eq(meetingMinutes.meetingId, meeting.id));
  assert.equal(v1!.chairApprovedAt, null, 'an edit withdraws the approval given');
  assert.equal((await member.post(`/meetings/${meeting.id}/minutes/approve`)).status, 403, 'a member who is neither chair nor minute-taker cannot approve');
  await sec.post(`/meetings/${meeting.id}/minutes/approve`);
  const taker = await loggedIn(t.app, '0913000201');
  await taker.get(`/meetings/${meeting.id}/minutes`);
  assert.equal((await taker.post(`/meetings/${meeting.id}/minutes/approve`)).status, 303);
  [v1] = await db.select().from(meetingMinutes).where(eq(meetingMinutes.meetingId, meeting.id));
  assert.equal(v1!.status, 'approved');
  assert.ok(text((await member.get(`/meetings/${meeting.id}/minutes`)).body).includes('Khách mời: không có.'), 'members read the approved minutes');

  // Locked: the domain refuses, and so does the database itself.
  const refused = await sec.post(`/meetings/${meeting.id}/minutes`, { heading: headings, body: bodies });
  assert.equal(refused.status, 409);
  assert.ok(text(refused.body).includes('Biên bản đã được thông qua và khóa. Muốn sửa, hãy mở phiên bản mới (có ghi lý do).'));
  await assert.rejects(db.execute(sql`update meeting_minutes set content = '{"header":{},"sections":[]}'::jsonb where id = ${v1!.id}`), (e: { message: string; cause?: { message: string } }) => /approved and locked/.test(e.cause?.message ?? e.message));
  await assert.rejects(db.execute(sql`delete from meeting_minutes where id = ${v1!.id}`), (e: { message: string; cause?: { message: string } }) => /approved and locked/.test(e.cause?.message ?? e.message));

  // A correction is a new version, with its reason; the approved one stays as it was.
  const noReason = await sec.post(`/meetings/${meeting.id}/minutes/new-version`, { reason: '  ' });
  assert.equal(noReason.status, 422);
  assert.ok(text(noReason.body).includes('Hãy ghi lý do sửa biên bản.'));
  assert.equal((await sec.post(`/meetings/${meeting.id}/minutes/new-version`, { reason: 'Sửa tên người vắng' })).status, 303);
  const versions = await db.select().from(meetingMinutes).where(eq(meetingMinutes.meetingId, meeting.id));
  assert.deepEqual(versions.map((v) => [v.version, v.status]).sort(), [[1, 'approved'], [2, 'draft']]);
  assert.deepEqual(versions.find((v) => v.version === 1)!.content, v1!.content);
  const trail = await db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.entityType, 'meeting_minutes')));
  for (const a of ['minutes.draft', 'minutes.edit', 'minutes.approve', 'minutes.new_version']) assert.ok(trail.some((x) => x.action === a), a);
  // Members still read version 1 (the draft of version 2 is not theirs).
  assert.ok(text((await member.get(`/meetings/${meeting.id}/minutes`)).body).includes('Phiên bản 1'));

  // The PDF: the standard header and the Vietnamese text, extracted back.
  const pdf = await member.request('GET', `/meetings/${meeting.id}/minutes.pdf?version=1`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const raw = await t.app.inject({ method: 'GET', url: `/meetings/${meeting.id}/minutes.pdf?version=1`, headers: { cookie: [...member.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  const { text: pdfText } = await extractText(await getDocumentProxy(new Uint8Array(raw.rawPayload)), { mergePages: true });
  for (const s of ['ĐẢNG CỘNG SẢN VIỆT NAM', 'ĐẢNG ỦY XÃ ĐÔNG THỌ', 'CHI BỘ THÔN ĐÔNG THỌ', 'BIÊN BẢN', 'Đông Thọ, ngày', `Vắng có lý do: 1 — ${absent.fullName} (Đi công tác).`, 'THƯ KÝ', 'CHỦ TRÌ', takerPerson.fullName]) {
    assert.ok(squash(pdfText).includes(squash(s)), `${s} in ${squash(pdfText).slice(0, 300)}`);
  }
  assert.ok(!squash(pdfText).includes('DỰ THẢO'), 'approved minutes carry no draft mark');
});
