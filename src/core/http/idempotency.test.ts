import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedIn, testApp, type TestApp } from '../../../test/kit/app.ts';
import { unitByCode } from '../../../test/kit/demo.ts';
import { subtree } from '../../org/tree.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

test('an API write replayed with the same Idempotency-Key takes effect once, even after logging in again', async () => {
  const province = await unitByCode(t.database.db, 'TB');
  const body = { parentId: province.id, kind: 'party_district', name: 'Huyện ủy Thử Nghiệm' };
  const headers = { 'idempotency-key': 'offline-action-0001', 'accept-encoding': 'identity' };
  const c = await loggedIn(t.app, 'bantochuc');
  const first = await c.request('POST', '/api/v1/units', { json: body, headers });
  assert.equal(first.status, 201);
  const again = await loggedIn(t.app, 'bantochuc');
  const replay = await again.request('POST', '/api/v1/units', { json: body, headers });
  assert.equal(replay.status, 201);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.deepEqual(replay.json(), first.json());
  const created = (await subtree(t.database.db, province.path)).filter((u) => u.name === 'Huyện ủy Thử Nghiệm');
  assert.equal(created.length, 1);
  const reused = await again.request('POST', '/api/v1/units', { json: { ...body, name: 'Khác' }, headers: { 'idempotency-key': 'offline-action-0001' } });
  assert.equal(reused.status, 201, 'same key, same URL: the first response, not a second unit');
  const other = await again.request('POST', `/api/v1/units/${created[0]!.id}/move`, { json: { parentId: province.id }, headers });
  assert.equal(other.status, 422);
});

test('a failed request is forgotten, so the phone can retry it', async () => {
  const c = await loggedIn(t.app, 'bantochuc');
  const headers = { 'idempotency-key': 'offline-action-0002' };
  const bad = await c.request('POST', '/api/v1/units', { json: { parentId: 999999, kind: 'cell', name: 'X Y' }, headers });
  assert.ok(bad.status >= 400);
  const province = await unitByCode(t.database.db, 'TB');
  const good = await c.request('POST', '/api/v1/units', { json: { parentId: province.id, kind: 'cell', name: 'Chi bộ Thử' }, headers });
  assert.equal(good.status, 201);
});

test('a replay works the same when responses are compressed', async () => {
  const province = await unitByCode(t.database.db, 'TB');
  const c = await loggedIn(t.app, 'bantochuc');
  const headers = { 'idempotency-key': 'offline-action-0003', 'accept-encoding': 'gzip' };
  const body = { parentId: province.id, kind: 'party_district', name: 'Huyện ủy Nén Dữ Liệu Rất Dài Để Vượt Ngưỡng Nén Một Kilobyte '.repeat(1) };
  const first = await c.request('POST', '/api/v1/units', { json: body, headers });
  assert.equal(first.status, 201);
  const replay = await c.request('POST', '/api/v1/units', { json: body, headers: { 'idempotency-key': 'offline-action-0003', 'accept-encoding': 'identity' } });
  assert.equal(replay.status, 201);
  assert.equal(replay.json<{ name: string }>().name, body.name.trim());
});

test('pages are compressed for slow lines', async () => {
  const c = await loggedIn(t.app, 'bantochuc');
  const res = await c.request('GET', '/admin', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(res.headers['content-encoding'], 'gzip');
});
