// A member's search over what reached them, on the demo organisation: without diacritics, by
// number, announcements too; never what went to another commune; the page, its tile and its
// messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, isNotNull, isNull, like } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { accountByLogin, unitByCode } from '../../test/kit/demo.ts';
import type { Db } from '../core/db/client.ts';
import { loadActor } from '../core/auth/actor.ts';
import { documents } from '../documents/schema.ts';
import { findMine } from './find.ts';
import { publish } from './publications.ts';

let t: TestApp;
let db: Db;
before(async () => {
  t = await testApp({ demo: true });
  db = t.database.db;
  // Phú Khánh tells its own cells something Đông Thọ's members must not find.
  const pk = await unitByCode(db, 'TB-PK');
  const staff = (await accountByLogin(db, '0912000111')).id;
  await publish(db, { accountId: staff }, (await loadActor(db, staff))!, {
    unitId: pk.id,
    documentId: null,
    announcement: { title: 'Kế hoạch ra quân vệ sinh môi trường khu dân cư', body: 'Đề nghị các chi bộ vận động nhân dân dọn dẹp đường làng, khơi thông cống rãnh.' },
    audienceUnitIds: [pk.id],
    audienceRole: 'all',
    requirement: 'read',
    reflection: false,
    dueOn: null,
    excludeExempt: false,
  });
});
after(() => t.close());

const member = async (login: string) => (await loadActor(db, (await accountByLogin(db, login)).id))!;

test('a member finds the province’s Công điện typed without diacritics, with the matched words marked', async () => {
  const dt = await member('0912000301');
  const { items } = await findMine(db, dt, 'phong chong dich covid');
  const hit = items.find((i) => i.title.startsWith('Về tăng cường các biện pháp cấp bách'));
  assert.ok(hit, JSON.stringify(items.map((i) => i.title)));
  assert.match(hit.titleMarked, /⟦phòng⟧, ⟦chống⟧ ⟦dịch⟧ ⟦Covid⟧-19/);
  assert.equal(hit.readAt, null);
  // The commune's announcement that cites it ranks below it.
  assert.equal(items[0]?.id, hit.id, JSON.stringify(items.map((i) => i.title)));
});

test('by number, in the forms people type it', async () => {
  // The province sends the cells of Đông Thọ a numbered, unclassified document of its library.
  const province = await unitByCode(db, 'TB');
  const commune = await unitByCode(db, 'TB-DT');
  const [doc] = await db
    .select({ id: documents.id, number: documents.number })
    .from(documents)
    .where(and(eq(documents.unitId, province.id), isNotNull(documents.number), isNull(documents.secrecy), like(documents.number, '%/%')))
    .orderBy(documents.id)
    .limit(1);
  assert.ok(doc?.number, 'the demo library holds numbered documents at the province');
  const staff = (await accountByLogin(db, 'bantochuc')).id;
  const pub = await publish(db, { accountId: staff }, (await loadActor(db, staff))!, {
    unitId: province.id,
    documentId: doc.id,
    announcement: null,
    audienceUnitIds: [commune.id],
    audienceRole: 'all',
    requirement: 'read',
    reflection: false,
    dueOn: null,
    excludeExempt: false,
  });
  const dt = await member('0912000301');
  for (const q of [doc.number, doc.number.replace(/[-/]/g, ' ')]) {
    const byNumber = await findMine(db, dt, q);
    assert.equal(byNumber.items[0]?.id, pub.publication.id, `"${q}" puts it first: ${JSON.stringify(byNumber.items.map((i) => i.title))}`);
  }
});

test('announcements are found too, but only by the members they were sent to', async () => {
  const dt = await member('0912000301');
  const schedule = await findMine(db, dt, 'lich sinh hoat chi bo thang 9');
  assert.equal(schedule.items[0]?.title, 'Lịch sinh hoạt chi bộ định kỳ tháng 9 năm 2021');
  assert.equal(schedule.items[0]?.documentId, null);
  assert.deepEqual((await findMine(db, dt, 've sinh moi truong khoi thong cong ranh')).items, [], 'Phú Khánh’s notice is not Đông Thọ’s');
  const pk = await member('0912000303');
  const found = await findMine(db, pk, 'khoi thong cong ranh');
  assert.equal(found.items.length, 1);
  assert.match(found.items[0]!.snippet ?? '', /⟦khơi⟧ ⟦thông⟧ ⟦cống⟧ ⟦rãnh⟧/);
  assert.deepEqual((await findMine(db, pk, '   ')).items, [], 'an empty search finds nothing');
});

test('the page: the tile, results without diacritics, a search too long, and no page for visitors', async () => {
  const c = await loggedIn(t.app, '0912000301');
  const home = await c.get('/');
  assert.match(text(home.body), /Tìm văn bản/);
  const page = await c.get('/reading/search?q=cap+bach+phong+chong+dich');
  assert.equal(page.status, 200);
  assert.match(page.body, /<mark>cấp<\/mark> <mark>bách<\/mark>/);
  assert.match(text(page.body), /\d kết quả\./);
  const none = await c.get('/reading/search?q=khoi+thong+cong+ranh');
  assert.match(text(none.body), /Không tìm thấy văn bản nào đã gửi đến đồng chí có (?:"|&quot;)khoi thong cong ranh/);
  const long = await c.get(`/reading/search?q=${'a'.repeat(201)}`);
  assert.equal(long.status, 422);
  assert.match(text(long.body), /Nội dung tìm quá dài \(tối đa 200 ký tự\)/);
  // A clerk's search tile is the library.
  const clerk = await loggedIn(t.app, '0912000102');
  assert.doesNotMatch(text((await clerk.get('/')).body), /Tìm văn bản/);
  const anonymous = await t.app.inject({ method: 'GET', url: '/reading/search?q=dich' });
  assert.equal(anonymous.statusCode, 303);
  assert.match(String(anonymous.headers.location), /^\/login/);
});
