// Cell meetings on a real database: scheduling (from the 20th of the month before, the length
// rules, one regular meeting a month), the standard agenda, the roster (guests, members away,
// suspended, exempt), attendance and the quorum shown with both numbers, materials with the
// one-day warning, the meeting's quality rolled up for committees, and who may see and do what.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { personByPhone, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { postMultipart } from '../documents/testing.ts';
import { queryRows } from '../core/db/client.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { formatDate, formatDateTime, todayIso } from '../core/i18n/i18n.ts';
import { changeMemberStatus, transferMember } from '../people/members.ts';
import { members } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';
import { addMaterial, checkMeetingRules, createMeeting, getRoster, MeetingFormError, schedulingOpensOn, setAgenda, standardAgenda } from './meetings.ts';
import { meetings } from './schema.ts';
import { notificationEvents } from '../core/notify/schema.ts';
import { publicationReads } from '../distribution/schema.ts';
import { publish } from '../distribution/publications.ts';
import { loadActor } from '../core/auth/actor.ts';
import { accountByLogin } from '../../test/kit/demo.ts';
import { markDocumentsReceived, markUnrecordedPresent, setStatus } from './meetings.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

const DAY = 24 * 3600_000;
const vnDate = (d: Date) => formatDate(d);
const tomorrow = () => vnDate(new Date(Date.now() + DAY));
/** Date and time (dd/mm/yyyy, HH:MM) in Hà Nội, some hours from now. */
const inHours = (h: number) => {
  const s = formatDateTime(new Date(Date.now() + h * 3600_000));
  return { date: s.slice(0, 10), time: s.slice(11, 16) };
};
const idFrom = (location: unknown) => Number(/\/meetings\/(\d+)/.exec(String(location))![1]);

async function schedule(c: Awaited<ReturnType<typeof loggedIn>>, cellId: number, form: Record<string, string> = {}) {
  await c.get(`/units/${cellId}/meetings/new`);
  const res = await c.post(`/units/${cellId}/meetings`, { kind: 'extraordinary', date: tomorrow(), time: '19:30', durationMinutes: '90', location: 'Nhà văn hóa thôn', ...form });
  assert.equal(res.status, 303, text(res.body).slice(0, 400));
  return idFrom(res.headers.location);
}

describe('scheduling', () => {
  test('a regular meeting of a month opens for scheduling on the 20th of the month before', async () => {
    assert.equal(schedulingOpensOn('2021-11'), '2021-10-20');
    assert.equal(schedulingOpensOn('2022-01'), '2021-12-20');
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const input = { kind: 'regular' as const, date: '2021-11-05', time: '19:30', durationMinutes: 90, location: null, onlineUrl: null, topic: null, title: null };
    const early = checkMeetingRules(input, { locale: 'vi', now: new Date('2021-10-19T10:00:00+07:00'), isNew: true });
    assert.equal(early.date, 'Lịch sinh hoạt thường kỳ tháng 11/2021 chỉ lên được từ ngày 20/10/2021 (ngày 20 tháng trước).');
    assert.deepEqual(checkMeetingRules(input, { locale: 'vi', now: new Date('2021-10-20T00:05:00+07:00'), isNew: true }), {});
    // Created on the 20th, then the same month again is refused.
    const now = new Date('2021-10-20T08:00:00+07:00');
    const m = await t.database.db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, input, { now }));
    assert.equal(m.period, '2021-11');
    assert.equal(m.title, 'Sinh hoạt chi bộ thường kỳ tháng 11/2021');
    assert.equal(m.startsAt.toISOString(), '2021-11-05T12:30:00.000Z', '19:30 in Hà Nội');
    await assert.rejects(
      t.database.db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { ...input, date: '2021-11-20' }, { now })),
      (e: unknown) => e instanceof MeetingFormError && e.fields.date === 'Chi bộ đã có lịch sinh hoạt thường kỳ tháng 11/2021.',
    );
  });

  test('lengths: 90 minutes for a regular meeting, 120 with a thematic part; a thematic meeting names its theme; no time in the past', () => {
    const now = new Date('2021-10-21T08:00:00+07:00');
    const base = { kind: 'regular' as const, date: '2021-11-05', time: '19:30', durationMinutes: 60, location: null, onlineUrl: null, topic: null, title: null };
    assert.equal(checkMeetingRules(base, { locale: 'vi', now, isNew: true }).durationMinutes, 'Buổi sinh hoạt thường kỳ phải kéo dài ít nhất 90 phút.');
    assert.equal(checkMeetingRules({ ...base, durationMinutes: 100, topic: 'Học tập và làm theo tư tưởng Hồ Chí Minh' }, { locale: 'vi', now, isNew: true }).durationMinutes, 'Buổi sinh hoạt có chuyên đề phải kéo dài ít nhất 120 phút.');
    assert.equal(checkMeetingRules({ ...base, kind: 'thematic', durationMinutes: 120 }, { locale: 'vi', now, isNew: true }).topic, 'Hãy nhập chuyên đề của buổi sinh hoạt.');
    assert.equal(checkMeetingRules({ ...base, date: '2021-10-20', durationMinutes: 90 }, { locale: 'vi', now, isNew: true }).date, 'Thời gian này đã qua: hãy chọn ngày giờ sắp tới.');
    assert.deepEqual(checkMeetingRules({ ...base, kind: 'extraordinary', durationMinutes: 30 }, { locale: 'vi', now, isNew: true }), {});
  });

  test('the form refuses bad input field by field, in Vietnamese, and saves nothing', async () => {
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const c = await loggedIn(t.app, '0912000201');
    await c.get(`/units/${cell.id}/meetings/new`);
    const before = (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from meetings`))[0]!.n;
    const res = await c.post(`/units/${cell.id}/meetings`, { kind: 'regular', date: '31/02/2030', time: '25:00', durationMinutes: 'chín mươi', onlineUrl: 'http://meet.jit.si/x' });
    assert.equal(res.status, 422);
    const body = text(res.body);
    for (const msg of ['Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/10/2021.', 'Giờ không hợp lệ: hãy nhập theo dạng giờ:phút, ví dụ 19:30.', 'Thời lượng phải là số phút, từ 15 đến 600.', 'Đường dẫn họp trực tuyến phải là một địa chỉ bắt đầu bằng https://']) {
      assert.ok(body.includes(msg), msg);
    }
    assert.equal((await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from meetings`))[0]!.n, before);
  });

  test('a new meeting carries the standard agenda in the standard order, and the agenda can be edited keeping notes', async () => {
    const agenda = standardAgenda('vi').map((a) => a.title);
    assert.equal(agenda.length, 12);
    assert.deepEqual(agenda.slice(0, 4), ['Tuyên bố lý do, giới thiệu đại biểu', 'Cử thư ký ghi biên bản', 'Điểm danh, báo cáo số đảng viên có mặt, vắng mặt (có lý do, không lý do)', 'Thông qua chương trình sinh hoạt']);
    assert.equal(agenda[11], 'Thông qua biên bản');
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const c = await loggedIn(t.app, '0912000201');
    const id = await schedule(c, cell.id, { kind: 'regular', date: formatDate(new Date(Date.now() + 2 * DAY)), durationMinutes: '90' }).catch(async () => schedule(c, cell.id));
    const page = text((await c.get(`/meetings/${id}`)).body);
    assert.ok(page.includes('Thông qua chương trình sinh hoạt'));
    await t.database.db.update(meetings).set({ agenda: [{ title: 'Thảo luận', notes: 'Ý kiến về đường làng' }, { title: 'Thông qua biên bản', notes: '' }] }).where(eq(meetings.id, id));
    await t.database.db.transaction((tx) => setAgenda(tx, SYSTEM_CONTEXT, id, ['Thông qua biên bản', 'Thảo luận', '  ', 'Kết nạp đảng viên']));
    const [row] = await t.database.db.select().from(meetings).where(eq(meetings.id, id));
    assert.deepEqual(row!.agenda, [
      { title: 'Thông qua biên bản', notes: '' },
      { title: 'Thảo luận', notes: 'Ý kiến về đường làng' },
      { title: 'Kết nạp đảng viên', notes: '' },
    ]);
    await c.get(`/meetings/${id}/agenda`);
    const empty = await c.post(`/meetings/${id}/agenda`, { agenda: '   \n  ' });
    assert.equal(empty.status, 422);
    assert.ok(text(empty.body).includes('Chương trình cần ít nhất một mục.'));
  });
});

describe('roster, attendance and quorum', () => {
  test('the roster takes the cell as it stands; attendance gives the quorum with both numbers', async () => {
    const db = t.database.db;
    const cell = await unitByCode(db, 'TB-DT-2');
    const other = await unitByCode(db, 'TB-DT-1');
    const c = await loggedIn(t.app, '0912000202');
    // One member of the cell away on a temporary transfer, one suspended, one guest from the neighbouring cell.
    const own = await db.select().from(members).where(and(eq(members.unitId, cell.id), eq(members.standing, 'official'), eq(members.exempt, false), eq(members.status, 'active')));
    const secretary = await personByPhone(db, '0912000202');
    const deputy = await personByPhone(db, '0913000202');
    const plain = own.filter((m) => m.personId !== secretary.id && m.personId !== deputy.id);
    const away = plain[0]!;
    const suspended = plain[1]!;
    await db.transaction((tx) => transferMember(tx, SYSTEM_CONTEXT, away.personId, { toUnitId: other.id, temporary: true, effectiveOn: todayIso() }));
    await db.transaction((tx) => changeMemberStatus(tx, SYSTEM_CONTEXT, suspended.personId, 'suspend', todayIso()));
    const [guest] = await db.select().from(members).where(and(eq(members.unitId, other.id), eq(members.status, 'active'), eq(members.standing, 'official'))).limit(1);
    await db.transaction((tx) => transferMember(tx, SYSTEM_CONTEXT, guest!.personId, { toUnitId: cell.id, temporary: true, effectiveOn: todayIso() }));

    const id = await schedule(c, cell.id);
    const roster = await getRoster(db, id);
    assert.equal(roster.find((r) => r.personId === away.personId)?.memberStatus, 'temporarily_transferred');
    assert.equal(roster.find((r) => r.personId === away.personId)?.guest, false);
    assert.equal(roster.find((r) => r.personId === suspended.personId)?.memberStatus, 'suspended');
    assert.equal(roster.find((r) => r.personId === guest!.personId)?.guest, true);

    assert.equal((await c.post(`/meetings/${id}/start`)).status, 303);
    assert.equal((await c.post(`/meetings/${id}/attendance/all-present`)).status, 303);
    const after = await getRoster(db, id);
    assert.equal(after.find((r) => r.personId === suspended.personId)?.attendance, null, 'suspended members are not marked present');
    assert.equal(after.find((r) => r.personId === away.personId)?.attendance, null, 'nor members away');
    assert.ok(after.filter((r) => r.exempt).every((r) => r.attendance == null), 'exempt members are not marked present in bulk');
    // Two absent with leave (one with a reason), one online; exempt members marked as exempt.
    const present = after.filter((r) => r.attendance === 'present' && !r.guest && r.standing === 'official');
    const form: Record<string, string | string[]> = { person: after.map((r) => String(r.personId)) };
    for (const r of after) {
      form[`att-${r.personId}`] = r.exempt ? 'exempt' : (r.attendance ?? '');
      form[`reason-${r.personId}`] = r.reason ?? '';
    }
    form[`att-${present[0]!.personId}`] = 'absent_excused';
    form[`reason-${present[0]!.personId}`] = 'Ốm';
    form[`att-${present[1]!.personId}`] = 'absent_unexcused';
    form[`online-${present[2]!.personId}`] = '1';
    await c.get(`/meetings/${id}/attendance`);
    const saved = await c.post(`/meetings/${id}/attendance`, form);
    assert.equal(saved.status, 303, text(saved.body).slice(0, 300));

    const final = await getRoster(db, id);
    const officials = final.filter((r) => !r.guest && r.standing === 'official');
    const exemptAbsent = officials.filter((r) => r.exempt && r.attendance !== 'present').length;
    const base = officials.length - 1 - 1 - exemptAbsent - 1;
    const page = text((await c.get(`/meetings/${id}`)).body);
    assert.ok(page.includes(`Đảng viên chính thức của chi bộ: ${officials.length}`), page.slice(0, 2000));
    assert.ok(page.includes('đã giới thiệu sinh hoạt tạm thời nơi khác: 1'));
    assert.ok(page.includes('đang bị đình chỉ sinh hoạt: 1'));
    assert.ok(page.includes('vắng mặt có lý do: 1'));
    assert.ok(page.includes(`Số được tính: ${base}`));
    const half = (base / 2).toLocaleString('vi-VN');
    assert.ok(page.includes(`Nghị quyết được thông qua khi số tán thành hơn ${half} (ít nhất ${Math.floor(base / 2) + 1}).`), `hơn ${half}`);
    assert.equal(final.find((r) => r.personId === present[2]!.personId)?.online, true);
    assert.equal(final.find((r) => r.personId === present[0]!.personId)?.reason, 'Ốm');

    // Online without being present, or "exempt" for someone who is not: refused, nothing saved.
    const bad = await c.post(`/meetings/${id}/attendance`, { person: String(present[1]!.personId), [`att-${present[1]!.personId}`]: 'absent_unexcused', [`online-${present[1]!.personId}`]: '1' });
    assert.equal(bad.status, 422);
    assert.ok(text(bad.body).includes('chỉ người có mặt mới được đánh dấu tham gia trực tuyến'));
    const notExempt = await c.post(`/meetings/${id}/attendance`, { person: String(present[3]!.personId), [`att-${present[3]!.personId}`]: 'exempt' });
    assert.equal(notExempt.status, 422);
    assert.ok(text(notExempt.body).includes('không thuộc diện miễn sinh hoạt'));
  });
});

describe('materials', () => {
  test('a file and a library document; posted less than a day ahead, the secretary is warned and the list says so', async () => {
    const db = t.database.db;
    const cell = await unitByCode(db, 'TB-PK-1');
    const c = await loggedIn(t.app, '0912000203');
    const id = await schedule(c, cell.id, inHours(3));
    await c.get(`/meetings/${id}`);
    const res = await postMultipart(c, t.app, `/meetings/${id}/materials`, [
      { name: 'title', value: 'Báo cáo tháng' },
      { name: 'file', fileName: 'báo cáo tháng 10.docx', content: Buffer.from('PK\u0003\u0004 nội dung') },
    ]);
    assert.equal(res.status, 303);
    const page = await c.get(`/meetings/${id}`);
    assert.ok(text(page.body).includes('Tài liệu được đăng chưa đủ một ngày trước buổi sinh hoạt'), 'the flash warns');
    assert.ok(text(page.body).includes('đăng chưa đủ 1 ngày trước buổi sinh hoạt'), 'the list marks it');
    const link = /href="(\/meetings\/\d+\/materials\/\d+)"/.exec(page.body)![1]!;
    const file = await c.get(link);
    assert.equal(file.status, 200);
    assert.match(String(file.headers['content-disposition']), /attachment; filename="bao cao thang 10.docx"/);
    // A library document, a week ahead: no warning.
    const [doc] = await db.select({ id: documents.id }).from(documents).where(sql`${documents.secrecy} is null`).limit(1);
    const later = await db.transaction((tx) =>
      createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date: todayIso(new Date(Date.now() + 8 * DAY)), time: '19:30', durationMinutes: 90, location: null, onlineUrl: null, topic: null, title: null }),
    );
    const added = await db.transaction((tx) => addMaterial(tx, SYSTEM_CONTEXT, later.id, { documentId: doc!.id }));
    assert.equal(added.late, false);
    // Nothing chosen: a clear message.
    const none = await postMultipart(c, t.app, `/meetings/${id}/materials`, [{ name: 'title', value: 'x' }]);
    assert.equal(none.status, 422);
    assert.ok(text(none.body).includes('Hãy chọn một văn bản trong thư viện hoặc một tệp.'));
  });
});

describe('who sees and does what', () => {
  test("a member reads their cell's meetings; a member of another cell, and a committee of another commune, cannot", async () => {
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const sec = await loggedIn(t.app, '0912000201');
    const id = await schedule(sec, cell.id);
    await sec.post(`/meetings/${id}`);
    const member = await loggedIn(t.app, '0912000301');
    assert.equal((await member.get(`/meetings/${id}`)).status, 200);
    assert.equal((await member.get(`/units/${cell.id}/meetings`)).status, 200);
    assert.equal((await member.get(`/meetings/${id}/attendance`)).status, 403, 'a member does not take attendance');
    assert.equal((await member.post(`/meetings/${id}/start`)).status, 403);
    const outsider = await loggedIn(t.app, '0912000303');
    for (const url of [`/meetings/${id}`, `/units/${cell.id}/meetings`, `/meetings/${id}/live`, `/meetings/${id}/attendance`, `/meetings/${id}/notes`]) assert.equal((await outsider.get(url)).status, 403, url);
    const commune = await loggedIn(t.app, '0912000101');
    assert.equal((await commune.get(`/meetings/${id}`)).status, 200, "the commune's committee follows its cells");
    const otherCommune = await loggedIn(t.app, '0912000111');
    assert.equal((await otherCommune.get(`/meetings/${id}`)).status, 403);
    const otherSecretary = await loggedIn(t.app, '0912000202');
    assert.equal((await otherSecretary.get(`/meetings/${id}/edit`)).status, 403);
    assert.equal((await otherSecretary.post(`/units/${cell.id}/meetings`, { kind: 'extraordinary', date: tomorrow(), time: '19:30', durationMinutes: '90' })).status, 403);
  });

  test('an ended meeting no longer changes; its quality rolls up for the commune committee', async () => {
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const sec = await loggedIn(t.app, '0912000201');
    const id = await schedule(sec, cell.id);
    assert.equal((await sec.post(`/meetings/${id}/quality`, { quality: 'good' })).status, 303);
    assert.match(text((await sec.get(`/meetings/${id}`)).body), /Chỉ đánh giá chất lượng khi buổi sinh hoạt đã diễn ra\./);
    await sec.post(`/meetings/${id}/start`);
    await sec.post(`/meetings/${id}/end`);
    assert.equal((await sec.post(`/meetings/${id}/quality`, { quality: 'good', qualityNote: 'Sôi nổi' })).status, 303);
    await sec.get(`/meetings/${id}`);
    const again = await sec.post(`/meetings/${id}/attendance/all-present`);
    assert.equal(again.status, 303);
    assert.match(text((await sec.get(`/meetings/${id}/attendance`)).body), /Buổi sinh hoạt đã kết thúc hoặc đã hủy: không sửa được nữa\./);
    const commune = await unitByName(t.database.db, 'Đảng ủy xã Đông Thọ');
    const cm = await loggedIn(t.app, '0912000101');
    const year = todayIso().slice(0, 4);
    const rollup = text((await cm.get(`/units/${commune.id}/meeting-quality?year=${year}`)).body);
    assert.match(rollup, /Chi bộ thôn Đông Thọ \d+ [1-9]/);
    assert.equal((await sec.get(`/units/${commune.id}/meeting-quality`)).status, 403, 'a cell secretary sees no roll-up of the commune');
  });
});

describe('notices and the documents of the meeting', () => {
  test('members are told of the meeting, its changes and its materials through the notification path', async () => {
    const db = t.database.db;
    const cell = await unitByCode(db, 'TB-VP-2');
    const c = await loggedIn(t.app, '0912000206');
    const id = await schedule(c, cell.id, { location: 'Hội trường thôn' });
    const notices = async () => db.select().from(notificationEvents).where(and(eq(notificationEvents.subjectType, 'meeting'), eq(notificationEvents.subjectId, String(id))));
    let list = await notices();
    assert.equal(list.length, 1);
    assert.match(list[0]!.title, /^Lịch sinh hoạt: Sinh hoạt chi bộ bất thường tháng/);
    assert.deepEqual(list[0]!.audience, { unitIds: [cell.id] });
    assert.equal(list[0]!.link, `/meetings/${id}`);
    await c.get(`/meetings/${id}/edit`);
    await c.post(`/meetings/${id}/edit`, { date: tomorrow(), time: '20:00', durationMinutes: '90', location: 'Hội trường thôn' });
    await postMultipart(c, t.app, `/meetings/${id}/materials`, [{ name: 'file', fileName: 'de-cuong.pdf', content: Buffer.from('%PDF-1.4 đề cương') }]);
    list = await notices();
    assert.deepEqual(list.map((n) => n.title.split(':')[0]!.split(' —')[0]).sort(), ['Lịch sinh hoạt', 'Tài liệu sinh hoạt mới', 'Đổi lịch sinh hoạt'].sort());
  });

  test('"everyone present received the documents" records reading in person for the published documents among the materials', async () => {
    const db = t.database.db;
    const cell = await unitByCode(db, 'TB-DT-2');
    const commune = await unitByName(db, 'Đảng ủy xã Đông Thọ');
    const [doc] = await db.select({ id: documents.id }).from(documents).where(and(eq(documents.unitId, commune.id), sql`${documents.secrecy} is null`)).limit(1);
    assert.ok(doc, 'a document of the commune');
    const account = await accountByLogin(db, '0912000101');
    const published = await publish(db, { accountId: account.id }, (await loadActor(db, account.id))!, { unitId: commune.id, documentId: doc.id, announcement: null, audienceUnitIds: [cell.id], audienceRole: 'all', requirement: 'read', reflection: false, dueOn: null, excludeExempt: false });
    const sec = await loggedIn(t.app, '0912000202');
    const id = await schedule(sec, cell.id);
    await sec.get(`/meetings/${id}`);
    const bad = await postMultipart(sec, t.app, `/meetings/${id}/materials`, [{ name: 'document', value: '999999' }]);
    assert.ok(text(bad.body).includes('Không tìm thấy văn bản này trong thư viện.'));
    assert.equal((await postMultipart(sec, t.app, `/meetings/${id}/materials`, [{ name: 'document', value: String(doc.id) }])).status, 303, 'a document published to the cell can be a material');
    await db.transaction((tx) => setStatus(tx, SYSTEM_CONTEXT, id, 'in_progress'));
    await db.transaction((tx) => markUnrecordedPresent(tx, SYSTEM_CONTEXT, id));
    const present = (await getRoster(db, id)).filter((r) => r.attendance === 'present').map((r) => r.personId);
    await sec.get(`/meetings/${id}`);
    assert.equal((await sec.post(`/meetings/${id}/documents-received`)).status, 303);
    const page = text((await sec.get(`/meetings/${id}`)).body);
    assert.ok(page.includes(`Đã ghi nhận ${present.length} đảng viên có mặt đã nhận tài liệu của buổi sinh hoạt; ${present.length} lượt đọc văn bản được ghi nhận thay`), page.slice(0, 1500));
    const reads = await db.select().from(publicationReads).where(eq(publicationReads.publicationId, published.publication.id));
    assert.deepEqual(reads.map((r) => r.personId).sort((a, b) => a - b), [...present].sort((a, b) => a - b));
    assert.ok(reads.every((r) => r.readRecordedBy != null), 'recorded on their behalf');
    // Twice changes nothing more.
    const again = await db.transaction((tx) => markDocumentsReceived(tx, SYSTEM_CONTEXT, id));
    assert.equal(again.readings, 0);
  });
});
