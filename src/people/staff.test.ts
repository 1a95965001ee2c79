import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { unitByCode } from '../../test/kit/demo.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

test("the state tree's administrator adds a clerk to a department, who then logs in with a temporary password", async () => {
  const so = await unitByCode(t.database.db, 'TB-UBND');
  const admin = await loggedIn(t.app, 'quantri.ubnd');
  const bad = await admin.post(`/admin/units/${so.id}/staff`, { fullName: 'X', role: 'office_clerk', phone: '12' });
  assert.equal(bad.status, 422);
  assert.match(text(bad.body), /ít nhất hai từ/);
  assert.match(text(bad.body), /Số điện thoại không hợp lệ/);
  const res = await admin.post(`/admin/units/${so.id}/staff`, { fullName: 'Lương Thị Mai', role: 'office_clerk', username: 'mai.vpubnd' });
  assert.equal(res.status, 200);
  const temp = /class="card secret"><strong>([a-z0-9]+)<\/strong>/.exec(res.body)?.[1];
  assert.ok(temp);
  const list = await admin.get(`/admin/units/${so.id}/staff`);
  assert.match(text(list.body), /Lương Thị Mai — Văn thư, văn phòng/);
  const clerk = new Client(t.app);
  assert.equal((await clerk.login('mai.vpubnd', temp)).status, 303);
});

test('a unit administrator cannot add staff in the other tree', async () => {
  const province = await unitByCode(t.database.db, 'TB');
  const admin = await loggedIn(t.app, 'quantri.ubnd');
  assert.equal((await admin.post(`/admin/units/${province.id}/staff`, { fullName: 'Lê Văn Bảy', role: 'unit_admin' })).status, 403);
});
