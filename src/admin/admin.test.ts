import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { unitByCode } from '../../test/kit/demo.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

test('a system administrator adds a new outside issuer as a top-level unit; others cannot', async () => {
  const admin = await loggedIn(t.app, 'admin');
  const bad = await admin.post('/admin/units', { kind: 'cell', name: 'Chi bộ lạc' });
  assert.equal(bad.status, 422);
  const res = await admin.post('/admin/units', { kind: 'external_issuer', name: 'Bộ Nội vụ' });
  assert.equal(res.status, 303);
  const page = await admin.get(String(res.headers.location));
  assert.match(text(page.body), /Bộ Nội vụ/);
  const bantochuc = await loggedIn(t.app, 'bantochuc');
  assert.equal((await bantochuc.post('/admin/units', { kind: 'external_issuer', name: 'Bộ Ngoại giao' })).status, 403);
});

test('the audit log can be filtered, and a unit administrator sees only their subtree', async () => {
  const admin = await loggedIn(t.app, 'admin');
  const all = await admin.get('/admin/audit?action=unit.create');
  assert.equal(all.status, 200);
  assert.match(text(all.body), /Tạo đơn vị/);
  const city = await unitByCode(t.database.db, 'TB-TP');
  const cityAdmin = await loggedIn(t.app, 'thanhuy.quantri');
  assert.equal((await cityAdmin.get('/admin/audit')).status, 403);
  const scoped = await cityAdmin.get(`/admin/units/${city.id}/audit?action=unit.create`);
  assert.match(text(scoped.body), /Tạo đơn vị/);
  assert.equal(scoped.status, 200);
  assert.doesNotMatch(text(scoped.body), /UBND tỉnh Thái Bình/);
  const province = await unitByCode(t.database.db, 'TB');
  assert.equal((await cityAdmin.get(`/admin/units/${province.id}/audit`)).status, 403);
});
