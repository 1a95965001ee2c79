// The publish form offers the publisher's unit, its children and, one level deeper, each child's
// own units: the province can send to one commune without the rest of its district. What is
// chosen there is exactly the audience; a unit outside the publisher's tree is still refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { queryRows } from '../core/db/client.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

test('the province sends an announcement to one commune, chosen one level below its district', async () => {
  const province = await unitByCode(t.database.db, 'TB');
  const district = await unitByCode(t.database.db, 'TB-TP');
  const commune = await unitByCode(t.database.db, 'TB-DT');
  const c = await loggedIn(t.app, 'bantochuc');
  const form = await c.get(`/publications/new/${province.id}`);
  assert.equal(form.status, 200);
  assert.match(text(form.body), new RegExp(`Chọn riêng đơn vị thuộc ${district.name} \\(\\d+\\)`));
  assert.match(form.body, new RegExp(`<input type="checkbox" id="f-audience-${commune.id}" name="audience" value="${commune.id}"`));

  const body = { what: 'announcement', title: 'Lịch tiếp xúc cử tri xã Đông Thọ', body: 'Đề nghị các chi bộ thông báo đến đảng viên.', audience: String(commune.id), audienceRole: 'all', requirement: 'read' };
  const sent = await c.post(`/publications/new/${province.id}`, body);
  assert.equal(sent.status, 303, text(sent.body).slice(0, 400));
  const id = Number(String(sent.headers.location).split('/').pop());
  const audience = await queryRows<{ unit_id: number }>(t.database.db, sql`select unit_id from publication_audience where publication_id = ${id}`);
  assert.deepEqual(audience.map((a) => Number(a.unit_id)), [commune.id]);

  // The form kept open on an error shows the deeper choice ticked.
  const again = await c.post(`/publications/new/${province.id}`, { ...body, title: '' });
  assert.equal(again.status, 422);
  assert.match(again.body, new RegExp(`<details class="sub-units" open><summary>Chọn riêng đơn vị thuộc ${district.name}`));
  assert.match(again.body, new RegExp(`id="f-audience-${commune.id}" name="audience" value="${commune.id}" checked`));
});

test('a commune’s committee member cannot reach another commune, even by posting its id', async () => {
  const own = await unitByCode(t.database.db, 'TB-DT');
  const other = await unitByCode(t.database.db, 'TB-PK');
  const c = await loggedIn(t.app, '0912000101');
  const r = await c.post(`/publications/new/${own.id}`, { what: 'announcement', title: 'Thông báo', body: 'Nội dung thông báo.', audience: String(other.id), audienceRole: 'all', requirement: 'read' });
  assert.equal(r.status, 422);
  const [n] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from publication_audience where unit_id = ${other.id}`);
  assert.equal(Number(n!.n), 0);
});

test('a cell’s secretary posts a notice to their own cell: it is on the cell page; not to another cell', async () => {
  const cell = await unitByCode(t.database.db, 'TB-DT-1');
  const other = await unitByCode(t.database.db, 'TB-DT-2');
  const sec = await loggedIn(t.app, '0912000201');
  const home = await sec.get('/reading');
  assert.match(text(home.body), /Phát hành văn bản, thông báo/, 'the secretary has the publishing tools');
  const notice = { what: 'announcement', title: 'Chi bộ họp bất thường tối thứ Sáu', body: 'Mời các đồng chí dự họp lúc 19 giờ 30 tại nhà văn hóa thôn.', audience: String(cell.id), audienceRole: 'all', requirement: 'none' };
  const posted = await sec.post(`/publications/new/${cell.id}`, notice);
  assert.equal(posted.status, 303, text(posted.body).slice(0, 300));
  const member = await loggedIn(t.app, '0912000301');
  const page = await member.get(`/units/${cell.id}`);
  assert.match(text(page.body), /Chi bộ họp bất thường tối thứ Sáu/);
  // Only their own cell.
  assert.equal((await sec.get(`/publications/new/${other.id}`)).status, 403);
  assert.equal((await sec.post(`/publications/new/${other.id}`, { ...notice, audience: String(other.id) })).status, 403);
  // A plain member posts nothing.
  assert.equal((await member.get(`/publications/new/${cell.id}`)).status, 403);
});
