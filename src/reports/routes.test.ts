// Periodic reports through HTTP with a fixed clock: who may submit for which unit (only its own
// staff — never another unit's, not even from above), the submission form's messages, the
// roll-up page, the lock and a correction approved, the template form (a schedule that never
// fires), the .xlsx export and the JSON API; a member of a cell sees none of it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { setClock } from '../tasks/clock.ts';
import { addDays, localDate } from '../tasks/deadline.ts';
import { COVID_CODE } from './definition.ts';
import { reportTemplates } from './schema.ts';

let t: TestApp;
let tid: number;
let today: string;
const at = (hhmm: string) => new Date(`${today}T${hhmm}:00+07:00`);

before(async () => {
  t = await testApp({ demo: true });
  const [tpl] = await t.database.db.select().from(reportTemplates).where(eq(reportTemplates.code, COVID_CODE));
  tid = tpl!.id;
  // The demo's week ends yesterday: today is open.
  today = localDate(new Date());
  setClock(at('10:00'));
});
after(async () => {
  setClock(null);
  await t.close();
});

const unit = async (code: string) => (await unitByCode(t.database.db, code)).id;
const form = (o: Record<string, string> = {}) => ({ period: today, facility_quarantine: '5', home_quarantine: '20', f1: '2', f2: '4', tested_24h: '60', negative: '58', positive: '0', awaiting: '2', vaccine_doses: '310', ...o });

test('only a unit’s own staff submit for it: not a neighbouring commune’s clerk, not the province, not a member', async () => {
  const dt = await unit('TB-DT');
  const neighbour = await loggedIn(t.app, '0912000112');
  assert.equal((await neighbour.get(`/reports/${tid}/units/${dt}/submit`)).status, 403);
  assert.equal((await neighbour.post(`/reports/${tid}/units/${dt}/submit`, form())).status, 403);
  const province = await loggedIn(t.app, 'vanthu.tinhuy');
  assert.equal((await province.post(`/reports/${tid}/units/${dt}/submit`, form())).status, 403, 'a role above is not the unit itself');
  assert.equal((await province.request('POST', `/api/v1/reports/${tid}/units/${dt}/submissions`, { json: { period: today, values: {} } })).status, 403);
  const member = await loggedIn(t.app, '0912000301');
  assert.equal((await member.get(`/reports/${tid}/units/${dt}/submit`)).status, 403);
  assert.equal((await member.get(`/reports/${tid}/units/${dt}`)).status, 403);
  assert.equal((await member.get('/reports')).status, 403);
  // The commune's committee sees its own roll-up, not the neighbour's.
  const committee = await loggedIn(t.app, '0912000101');
  assert.equal((await committee.get(`/reports/${tid}/units/${dt}`)).status, 200);
  assert.equal((await committee.get(`/reports/${tid}/units/${await unit('TB-PK')}`)).status, 403);
  // The district cannot submit (it is not a commune) but sees the roll-up and may lock.
  const district = await loggedIn(t.app, 'vanthu.thanhuy');
  assert.equal((await district.get(`/reports/${tid}/units/${await unit('TB-TP')}/submit`)).status, 403);
});

test('a commune clerk submits before 15:00: a wrong figure comes back with its message and nothing saved', async () => {
  const dt = await unit('TB-DT');
  const c = await loggedIn(t.app, '0912000102');
  const home = await c.get('/');
  assert.match(text(home.body), /Báo cáo định kỳ/);
  const list = await c.get('/reports');
  assert.match(text(list.body), /Chưa nộp kỳ này/);
  const page = await c.get(`/reports/${tid}/units/${dt}/submit`);
  assert.equal(page.status, 200);
  assert.match(text(page.body), /Hạn nộp: trước 15:00/);
  const bad = await c.post(`/reports/${tid}/units/${dt}/submit`, form({ positive: '-1', negative: '70' }));
  assert.equal(bad.status, 422);
  assert.match(text(bad.body), /Dương tính: Số này không được âm/);
  const rule = await c.post(`/reports/${tid}/units/${dt}/submit`, form({ negative: '70' }));
  assert.match(text(rule.body), /Âm tính \+ Dương tính \(70\) không được lớn hơn Mẫu xét nghiệm trong 24 giờ \(60\)/);
  assert.match(rule.body, /value="70"/, 'what the clerk typed is kept');
  const ok = await c.post(`/reports/${tid}/units/${dt}/submit`, form());
  assert.equal(ok.status, 303);
  const after = await c.get(String(ok.headers.location));
  assert.match(text(after.body), /Đã nộp báo cáo lúc/);
  assert.match(text(after.body), /Đúng hạn/);
  // A future day is refused.
  const tomorrow = await c.post(`/reports/${tid}/units/${dt}/submit`, form({ period: '2099-01-01' }));
  assert.equal(tomorrow.status, 422);
  assert.match(text(tomorrow.body), /Chưa đến kỳ báo cáo này/);
});

test('after 15:00 one commune is late; the province sees the totals, the late unit and the missing one; the district locks; a correction is approved', async () => {
  setClock(at('15:40'));
  const pk = await loggedIn(t.app, '0912000112');
  const late = await pk.post(`/reports/${tid}/units/${await unit('TB-PK')}/submit`, form({ vaccine_doses: '500' }));
  assert.equal(late.status, 303);
  assert.match(text((await pk.get(String(late.headers.location))).body), /muộn hạn/);
  setClock(at('16:00'));
  const province = await loggedIn(t.app, 'vanthu.tinhuy');
  const page = await province.get(`/reports/${tid}/units/${await unit('TB')}?period=${today}`);
  assert.equal(page.status, 200);
  const shown = text(page.body);
  assert.match(shown, /2\/3 đơn vị đã nộp/);
  assert.match(shown, /Mũi vắc xin tiêm trong ngày \(mũi\) 810/);
  assert.match(shown, /Đơn vị nộp muộn Đảng ủy phường Phú Khánh/);
  assert.match(shown, /Đơn vị chưa nộp Đảng ủy xã Vũ Phúc/);
  assert.match(page.body, /<svg[^>]*role="img"/);
  const xlsx = await province.get(`/reports/${tid}/units/${await unit('TB')}/export.xlsx`);
  assert.equal(xlsx.status, 200);
  const api = (await province.get(`/api/v1/reports/${tid}/units/${await unit('TB')}?period=${today}`)).json<{ totals: Record<string, number>; late: { name: string }[]; missing: { name: string }[] }>();
  assert.equal(api.totals.vaccine_doses, 810);
  assert.deepEqual(api.late.map((l) => l.name), ['Đảng ủy phường Phú Khánh']);
  assert.deepEqual(api.missing.map((l) => l.name), ['Đảng ủy xã Vũ Phúc']);
  // The trend over the week: the demo's six days before (one missed by Vũ Phúc), today's two.
  const week = (await province.get(`/api/v1/reports/${tid}/units/${await unit('TB')}/trend?from=${addDays(today, -6)}&to=${today}`)).json<{ points: { period: string; submitted: number }[] }>();
  assert.deepEqual(
    week.points.map((p) => p.submitted),
    [3, 3, 3, 2, 3, 3, 2],
  );
  const ninety = await province.get(`/reports/${tid}/units/${await unit('TB')}?period=${today}&range=90&field=vaccine_doses`);
  assert.equal(ninety.status, 200);
  assert.match(text(ninety.body), /Mũi vắc xin tiêm trong ngày, từ \d\d\/\d\d\/\d{4} đến/);
  // The province office cannot lock for the district? It can (it is above); the district does it here.
  const district = await loggedIn(t.app, 'vanthu.thanhuy');
  const tp = await unit('TB-TP');
  assert.equal((await pk.post(`/reports/${tid}/units/${tp}/lock`, { period: today })).status, 403, 'a commune does not lock for its district');
  assert.equal((await district.post(`/reports/${tid}/units/${tp}/lock`, { period: today })).status, 303);
  // Đông Thọ corrects after the lock: a reason is needed, then the district approves.
  const dt = await loggedIn(t.app, '0912000102');
  const dtId = await unit('TB-DT');
  const noReason = await dt.post(`/reports/${tid}/units/${dtId}/submit`, form({ vaccine_doses: '320' }));
  assert.equal(noReason.status, 422);
  assert.match(text(noReason.body), /hãy nêu lý do sửa số liệu/);
  const asked = await dt.post(`/reports/${tid}/units/${dtId}/submit`, form({ vaccine_doses: '320', note: 'Bổ sung 10 mũi tiêm lưu động' }));
  assert.equal(asked.status, 303);
  const districtPage = await district.get(`/reports/${tid}/units/${tp}?period=${today}`);
  assert.match(text(districtPage.body), /Đề nghị sửa số liệu chờ duyệt/);
  const submissionId = /action="\/reports\/\d+\/corrections\/(\d+)"/.exec(districtPage.body)![1]!;
  // Vũ Phúc, having missed the deadline, can no longer submit once locked.
  const vp = await loggedIn(t.app, '0912000122');
  const lockedOut = await vp.post(`/reports/${tid}/units/${await unit('TB-VP')}/submit`, form());
  assert.equal(lockedOut.status, 422);
  assert.match(text(lockedOut.body), /đã khóa/);
  // Another commune's clerk cannot approve; the district can.
  assert.equal((await pk.post(`/reports/${tid}/corrections/${submissionId}`, { decision: 'approve' })).status, 403);
  assert.equal((await district.post(`/reports/${tid}/corrections/${submissionId}`, { decision: 'approve' })).status, 303);
  const api2 = (await province.get(`/api/v1/reports/${tid}/units/${await unit('TB')}?period=${today}`)).json<{ totals: Record<string, number> }>();
  assert.equal(api2.totals.vaccine_doses, 820);
});

test('the template form refuses a schedule that never fires and makes a weekly report', async () => {
  const c = await loggedIn(t.app, 'vanthu.thanhuy');
  const tp = await unit('TB-TP');
  assert.equal((await c.get(`/reports/templates/new/${tp}`)).status, 200);
  const more = await c.post(`/reports/templates/new/${tp}`, { name: 'X', rows: '6', more: '1' });
  assert.equal(more.status, 200);
  assert.match(more.body, /name="field8_label"/, 'three more rows');
  const fields = { rows: '6', field0_label: 'Số buổi tuyên truyền', field0_type: 'integer', field0_required: '1', field0_min: '1', field0_aggregate: 'sum', field0_unit: 'buổi' };
  const never = await c.post(`/reports/templates/new/${tp}`, { name: 'Báo cáo tuyên truyền', scheduleKind: 'weekly', deadlineTime: '16:00', weekday: '1', startsOn: '21/09/2021', endsOn: '26/09/2021', kinds: 'party_grassroots', ...fields });
  assert.equal(never.status, 422);
  assert.match(text(never.body), /Lịch nộp này không bao giờ đến hạn/);
  const ok = await c.post(`/reports/templates/new/${tp}`, { name: 'Báo cáo tuyên truyền', scheduleKind: 'weekly', deadlineTime: '16:00', weekday: '5', startsOn: today.split('-').reverse().join('/'), kinds: 'party_grassroots', scopeUnitId: String(tp), ...fields });
  assert.equal(ok.status, 303);
  // A commune's clerk cannot make templates for the district.
  assert.equal((await (await loggedIn(t.app, '0912000102')).get(`/reports/templates/new/${tp}`)).status, 403);
});
