// Member evaluation: self-assessment, the cell's proposal (and its vote in a meeting), the
// grassroots committee's decision with the 20% cap as a warning to confirm, the roll-up, and
// the score bands as configurable rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { personByPhone, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { todayIso } from '../core/i18n/i18n.ts';
import { checkBands, DEFAULT_BANDS, getBands, levelForScore, listEvaluations, propose, scoreAllows } from './evaluation.ts';
import { createMeeting, setStatus } from './meetings.ts';
import { memberEvaluations, meetingQuestions } from './schema.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());
const year = Number(todayIso().slice(0, 4));

test('score bands: ≥ 90, 70–89, 50–69, < 50 by default, changed only by system administrators', async () => {
  assert.deepEqual([95, 90, 89, 70, 69, 50, 49, 0].map((s) => levelForScore(s, DEFAULT_BANDS)), ['excellent', 'excellent', 'good', 'good', 'fulfilled', 'fulfilled', 'unfulfilled', 'unfulfilled']);
  assert.equal(checkBands({ excellent: 70, good: 80, fulfilled: 50 }), 'Thang điểm phải là số nguyên từ 1 đến 100, giảm dần: xuất sắc > tốt > hoàn thành.');
  const sec = await loggedIn(t.app, '0912000201');
  assert.equal((await sec.get('/admin/evaluation-rules')).status, 403);
  const admin = await loggedIn(t.app, 'admin');
  await admin.get('/admin/evaluation-rules');
  const bad = await admin.post('/admin/evaluation-rules', { excellent: '90', good: '95', fulfilled: '50' });
  assert.equal(bad.status, 422);
  assert.equal((await admin.post('/admin/evaluation-rules', { excellent: '85', good: '65', fulfilled: '45' })).status, 303);
  assert.deepEqual(await getBands(t.database.db), { excellent: 85, good: 65, fulfilled: 45 });
  assert.equal((await admin.post('/admin/evaluation-rules', { excellent: '90', good: '70', fulfilled: '50' })).status, 303);
});

test('self-assessment, the cell proposal with a vote in the meeting, the committee decision and the 20% warning', async () => {
  const db = t.database.db;
  const cell = await unitByCode(db, 'TB-DT-1');
  const other = await unitByCode(db, 'TB-DT-2');
  const commune = await unitByName(db, 'Đảng ủy xã Đông Thọ');
  // A member assesses themselves.
  const member = await loggedIn(t.app, '0912000301');
  const me = await personByPhone(db, '0912000301');
  await member.get('/evaluation');
  const bad = await member.post(`/evaluation?year=${year}`, { score: '120', level: 'good' });
  assert.equal(bad.status, 422);
  assert.ok(text(bad.body).includes('Điểm phải là số nguyên từ 0 đến 100.'));
  const noLevel = await member.post(`/evaluation?year=${year}`, { score: '80' });
  assert.ok(text(noLevel.body).includes('Hãy chọn mức xếp loại.'));
  // The score bands are a ceiling on the level: 65 points cannot be "hoàn thành tốt" (a lower level is allowed).
  const above = await member.post(`/evaluation?year=${year}`, { score: '65', level: 'good' });
  assert.equal(above.status, 422);
  assert.match(text(above.body).replace(/&quot;/g, '"'), /Điểm 65 chỉ đạt tối đa mức "Hoàn thành nhiệm vụ", không thể xếp "Hoàn thành tốt nhiệm vụ"\./);
  assert.equal((await db.select().from(memberEvaluations).where(and(eq(memberEvaluations.personId, me.id), eq(memberEvaluations.year, year)))).length, 0, 'nothing saved');
  assert.equal(scoreAllows(95, 'fulfilled', DEFAULT_BANDS), true);
  assert.equal(scoreAllows(null, 'excellent', DEFAULT_BANDS), true);
  assert.equal(scoreAllows(89, 'excellent', DEFAULT_BANDS), false);
  assert.equal((await member.post(`/evaluation?year=${year}`, { score: '86', level: 'good', text: 'Hoàn thành tốt nhiệm vụ được giao ở thôn.' })).status, 303);
  // The secretary proposes, records a self-assessment for a member without a phone, and puts it to a vote.
  const sec = await loggedIn(t.app, '0912000201');
  const page = text((await sec.get(`/units/${cell.id}/evaluations?year=${year}`)).body);
  assert.ok(page.includes(me.fullName) && page.includes('Hoàn thành tốt nhiệm vụ (86)'));
  assert.equal((await sec.post(`/units/${cell.id}/evaluations/${me.id}?year=${year}`, { score: '92', level: 'excellent', text: 'Gương mẫu.' })).status, 303);
  const rows = await listEvaluations(db, { cellId: cell.id }, year);
  const noPhone = rows.find((r) => r.exempt)!;
  assert.equal((await sec.post(`/units/${cell.id}/evaluations/${noPhone.personId}/self?year=${year}`, { level: 'fulfilled' })).status, 303);
  const [rec] = await db.select().from(memberEvaluations).where(and(eq(memberEvaluations.personId, noPhone.personId), eq(memberEvaluations.year, year)));
  assert.ok(rec!.selfRecordedBy != null, 'marked as recorded on behalf');
  // No meeting under way: no vote; with one, the vote is a resolution question linked to the proposal.
  const novote = await sec.post(`/units/${cell.id}/evaluations/${me.id}/vote?year=${year}`);
  assert.equal(novote.status, 409);
  const date = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  const meeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'review', date, time: '08:00', durationMinutes: 120, location: null, onlineUrl: null, topic: null, title: null }));
  await db.transaction((tx) => setStatus(tx, SYSTEM_CONTEXT, meeting.id, 'in_progress'));
  await sec.get(`/units/${cell.id}/evaluations?year=${year}`);
  const vote = await sec.post(`/units/${cell.id}/evaluations/${me.id}/vote?year=${year}`);
  assert.equal(vote.status, 303);
  const [q] = await db.select().from(meetingQuestions).where(eq(meetingQuestions.meetingId, meeting.id));
  assert.equal(q!.prompt, `Tán thành đề xuất xếp loại đồng chí ${me.fullName}: Hoàn thành xuất sắc nhiệm vụ`);
  assert.equal(q!.resolution, true);
  // A member of the cell cannot propose; a secretary of another cell cannot either.
  assert.equal((await member.get(`/units/${cell.id}/evaluations`)).status, 403);
  assert.equal((await (await loggedIn(t.app, '0912000202')).post(`/units/${cell.id}/evaluations/${me.id}?year=${year}`, { level: 'good' })).status, 403);

  // Proposals in the commune: one excellent and four good would exceed 20% (20% of 4 is 0.8).
  const goods = (await listEvaluations(db, { cellId: other.id }, year)).slice(0, 4);
  for (const g of goods) await db.transaction((tx) => propose(tx, SYSTEM_CONTEXT, { personId: g.personId, cellId: other.id, year, input: { score: 75, level: 'good', text: null } }));
  const committee = await loggedIn(t.app, '0912000101');
  const approval = text((await committee.get(`/units/${commune.id}/evaluation-approval?year=${year}`)).body);
  assert.ok(approval.includes(me.fullName));
  const form: Record<string, string | string[]> = { person: [String(me.id), ...goods.map((g) => String(g.personId))], [`final-${me.id}`]: 'excellent' };
  for (const g of goods) form[`final-${g.personId}`] = 'good';
  const warned = await committee.post(`/units/${commune.id}/evaluation-approval?year=${year}`, form);
  assert.equal(warned.status, 409);
  assert.ok(text(warned.body).includes('Cảnh báo: sau quyết định này có 1 đảng viên hoàn thành xuất sắc nhiệm vụ, vượt 20% số đảng viên hoàn thành tốt nhiệm vụ (4 người, tối đa 0 người xuất sắc).'));
  assert.equal((await db.select().from(memberEvaluations).where(eq(memberEvaluations.personId, me.id)))[0]!.finalLevel, null, 'nothing saved without confirming');
  assert.equal((await committee.post(`/units/${commune.id}/evaluation-approval?year=${year}`, { ...form, confirmCap: '1' })).status, 303);
  assert.equal((await db.select().from(memberEvaluations).where(eq(memberEvaluations.personId, me.id)))[0]!.finalLevel, 'excellent');
  const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, 'evaluation.approve'));
  assert.equal((entry!.after as { capExceeded: boolean }).capExceeded, true);
  // Decided: the member can no longer change the self-assessment.
  const locked = await member.post(`/evaluation?year=${year}`, { score: '50', level: 'fulfilled' });
  assert.equal(locked.status, 409);
  // The roll-up; the secretary decides nothing for the commune; another commune sees nothing.
  const rollup = text((await committee.get(`/units/${commune.id}/evaluation-rollup?year=${year}`)).body);
  assert.match(rollup, /Chi bộ thôn Đông Thọ \d+ \d+ \d+ 1 0 0 0/);
  assert.equal((await sec.get(`/units/${commune.id}/evaluation-approval`)).status, 403);
  assert.equal((await (await loggedIn(t.app, '0912000111')).get(`/units/${commune.id}/evaluation-approval`)).status, 403);
});
