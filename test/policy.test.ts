// The permission matrix on the demo organisation: who can read whose data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, loggedIn, testApp, text, type TestApp } from './kit/app.ts';
import { aMemberOf, unitByCode, unitByName } from './kit/demo.ts';
import { loadActor } from '../src/core/auth/actor.ts';
import { can } from '../src/core/policy/policy.ts';
import { accountByLogin } from './kit/demo.ts';
import { loadAccountResource, unitResource } from '../src/core/policy/resources.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

describe('a member of one cell', () => {
  test('reads their own cell and its members list', async () => {
    const dongTho = await unitByCode(t.database.db, 'TB-DT-1');
    const c = await loggedIn(t.app, '0912000301');
    const page = await c.get(`/units/${dongTho.id}`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), /Chi bộ thôn Đông Thọ/);
    const api = await c.get(`/api/v1/units/${dongTho.id}/members`);
    assert.equal(api.status, 200);
    const list = api.json<{ members: { fullName: string; record?: unknown }[] }>().members;
    assert.ok(list.length >= 10);
    assert.ok(list.every((m) => m.record === undefined), 'a fellow member sees names, not records');
  });

  test("cannot read another cell's members, page or API", async () => {
    const other = await unitByCode(t.database.db, 'TB-DT-2');
    const c = await loggedIn(t.app, '0912000301');
    assert.equal((await c.get(`/units/${other.id}`)).status, 403);
    assert.equal((await c.get(`/api/v1/units/${other.id}/members`)).status, 403);
    const someone = await aMemberOf(t.database.db, other.id);
    assert.equal((await c.get(`/admin/people/${someone.personId}`)).status, 403);
    assert.equal((await c.get(`/api/v1/members/${someone.personId}`)).status, 403);
  });
});

describe('a cell secretary', () => {
  test("reads member records of their cell, not of the neighbouring cell", async () => {
    const own = await unitByCode(t.database.db, 'TB-DT-1');
    const other = await unitByCode(t.database.db, 'TB-DT-2');
    const c = await loggedIn(t.app, '0912000201');
    const mine = await aMemberOf(t.database.db, own.id);
    const theirs = await aMemberOf(t.database.db, other.id);
    assert.equal((await c.get(`/api/v1/members/${mine.personId}`)).status, 200);
    assert.equal((await c.get(`/api/v1/members/${theirs.personId}`)).status, 403);
  });
});

describe('a commune committee member', () => {
  test('sees the cells of their commune and not those of the neighbouring commune', async () => {
    const dongTho = await unitByName(t.database.db, 'Đảng ủy xã Đông Thọ');
    const phuKhanh = await unitByName(t.database.db, 'Đảng ủy phường Phú Khánh');
    const c = await loggedIn(t.app, '0912000101');
    const page = await c.get(`/units/${dongTho.id}`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), /Chi bộ thôn Tống Vũ/);
    for (const code of ['TB-DT-1', 'TB-DT-2']) {
      const cell = await unitByCode(t.database.db, code);
      assert.equal((await c.get(`/api/v1/units/${cell.id}/members`)).status, 200, code);
    }
    assert.equal((await c.get(`/units/${phuKhanh.id}`)).status, 403);
    for (const code of ['TB-PK-1', 'TB-PK-3']) {
      const cell = await unitByCode(t.database.db, code);
      assert.equal((await c.get(`/api/v1/units/${cell.id}/members`)).status, 403, code);
      const m = await aMemberOf(t.database.db, cell.id);
      assert.equal((await c.get(`/api/v1/members/${m.personId}`)).status, 403, code);
    }
  });
});

describe('an office clerk', () => {
  test('cannot change roles', async () => {
    const clerk = await accountByLogin(t.database.db, 'vanthu.tinhuy');
    const actor = (await loadActor(t.database.db, clerk.id))!;
    const province = await unitByCode(t.database.db, 'TB');
    assert.equal(can(actor, 'role.grant', { type: 'grant', role: 'office_clerk', unitPath: province.path }), false);
    const member = await accountByLogin(t.database.db, '0912000301');
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const res = await c.post(`/admin/accounts/${member.id}/roles`, { role: 'committee_member', unitId: String(province.id) });
    assert.equal(res.status, 403);
  });
  test("cannot read members' records", async () => {
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const m = await aMemberOf(t.database.db, cell.id);
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    assert.equal((await c.get(`/api/v1/members/${m.personId}`)).status, 403);
  });
});

describe('the party and state trees', () => {
  test('a role in the state tree never reaches the party tree', async () => {
    const ubndAdmin = await accountByLogin(t.database.db, 'quantri.ubnd');
    const actor = (await loadActor(t.database.db, ubndAdmin.id))!;
    const province = await unitByCode(t.database.db, 'TB');
    const ubnd = await unitByCode(t.database.db, 'TB-UBND');
    assert.equal(can(actor, 'unit.view', unitResource(ubnd)), true);
    assert.equal(can(actor, 'unit.create_child', unitResource(ubnd)), true);
    assert.equal(can(actor, 'unit.view', unitResource(province)), false);
    const c = await loggedIn(t.app, 'quantri.ubnd');
    assert.equal((await c.get(`/units/${province.id}`)).status, 403);
    assert.equal((await c.get(`/admin/units/${province.id}`)).status, 403);
  });
});

describe('a province unit administrator', () => {
  test('resets passwords in the subtree but not the system administrator', async () => {
    const bantochuc = await accountByLogin(t.database.db, 'bantochuc');
    const actor = (await loadActor(t.database.db, bantochuc.id))!;
    const member = await accountByLogin(t.database.db, '0912000301');
    const admin = await accountByLogin(t.database.db, 'admin');
    assert.equal(can(actor, 'account.reset_password', (await loadAccountResource(t.database.db, member.id))!), true);
    assert.equal(can(actor, 'account.reset_password', (await loadAccountResource(t.database.db, admin.id))!), false);
    assert.equal(can(actor, 'role.grant', { type: 'grant', role: 'system_admin', unitPath: null }), false);
  });
});

describe('anonymous visitors', () => {
  test('are sent to the login page, and the API answers 401', async () => {
    const c = new Client(t.app);
    const cell = await unitByCode(t.database.db, 'TB-DT-1');
    const page = await c.get(`/units/${cell.id}`);
    assert.equal(page.status, 303);
    assert.match(String(page.headers.location), /^\/login\?next=/);
    assert.equal((await c.get(`/api/v1/units/${cell.id}`)).status, 401);
  });
});
