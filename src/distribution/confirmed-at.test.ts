// A confirmation queued offline and sent hours later keeps the time the member pressed the
// button — within bounds: never in the future, never before the publication was sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { loggedIn, testApp, type TestApp } from '../../test/kit/app.ts';
import { accountByLogin, personByPhone, unitByCode } from '../../test/kit/demo.ts';
import { loadActor } from '../core/auth/actor.ts';
import { publicationReads, publications } from './schema.ts';
import { publish } from './publications.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

async function announce(title: string) {
  const commune = await unitByCode(t.database.db, 'TB-DT');
  const staff = (await accountByLogin(t.database.db, '0912000101')).id;
  const r = await publish(t.database.db, { accountId: staff }, (await loadActor(t.database.db, staff))!, {
    unitId: commune.id,
    documentId: null,
    announcement: { title, body: 'Nội dung thông báo của đảng ủy xã.' },
    audienceUnitIds: [commune.id],
    audienceRole: 'all',
    requirement: 'study',
    reflection: false,
    dueOn: null,
    excludeExempt: false,
  });
  return r.publication.id;
}

async function readAt(pub: number, phone: string) {
  const person = await personByPhone(t.database.db, phone);
  const [r] = await t.database.db.select().from(publicationReads).where(and(eq(publicationReads.publicationId, pub), eq(publicationReads.personId, person.id)));
  return r!;
}

test('the time pressed offline is kept; a time in the future or before publishing is brought within bounds', async () => {
  const pub = await announce('Thông báo đọc ngoại tuyến');
  // Published "three hours ago".
  const threeHoursAgo = new Date(Date.now() - 3 * 3600_000);
  await t.database.db.update(publications).set({ publishedAt: threeHoursAgo }).where(eq(publications.id, pub));
  const pressed = new Date(Date.now() - 2 * 3600_000);

  const a = await loggedIn(t.app, '0912000301');
  const r = await a.request('POST', `/api/v1/publications/${pub}/read`, { json: { confirmedAt: pressed.toISOString() } });
  assert.equal(r.status, 200);
  assert.equal((await readAt(pub, '0912000301')).readAt.getTime(), pressed.getTime());
  const s = await a.request('POST', `/api/v1/publications/${pub}/study`, { json: { confirmedAt: new Date(pressed.getTime() + 60_000).toISOString() } });
  assert.equal(s.status, 200);
  assert.equal((await readAt(pub, '0912000301')).studiedAt!.getTime(), pressed.getTime() + 60_000);

  const b = await loggedIn(t.app, '0912000202');
  const future = await b.request('POST', `/api/v1/publications/${pub}/read`, { json: { confirmedAt: new Date(Date.now() + 24 * 3600_000).toISOString() } });
  assert.equal(future.status, 200);
  assert.ok((await readAt(pub, '0912000202')).readAt.getTime() <= Date.now(), 'never in the future');

  const c = await loggedIn(t.app, '0912000201');
  assert.equal((await c.request('POST', `/api/v1/publications/${pub}/read`, { json: { confirmedAt: '2001-01-01T00:00:00Z' } })).status, 200);
  assert.equal((await readAt(pub, '0912000201')).readAt.getTime(), threeHoursAgo.getTime(), 'not before it was published');

  const bad = await c.request('POST', `/api/v1/publications/${pub}/study`, { json: { confirmedAt: 'hôm qua' } });
  assert.equal(bad.status, 400, 'a time that is not ISO 8601 is refused');
});
