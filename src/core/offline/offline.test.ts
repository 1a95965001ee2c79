// The installable app and offline reading, over HTTP on the demo organisation: the manifest and
// its icons, the one service worker (push and offline together), the offline page (nobody's
// data), the account tag and the "keep offline" mark on pages, the list of pages to keep (only
// the member's own unread and bookmarked publications), fetching ahead of time not counting as
// "seen", and the confirmations replayed from an offline queue with an Idempotency-Key:
// exactly one confirmation and one audit entry, across a new login, per account.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { Client, loggedIn, testApp, text, type TestApp } from '../../../test/kit/app.ts';
import { accountByLogin, personByPhone, unitByCode } from '../../../test/kit/demo.ts';
import { onPostgres } from '../../../test/kit/db.ts';
import { queryRows, type Db } from '../db/client.ts';
import { loadActor } from '../auth/actor.ts';
import { publicationReads } from '../../distribution/schema.ts';
import { publish, setMark, type PublishInput } from '../../distribution/publications.ts';
import { OFFLINE_HEADER, USER_HEADER } from './offline.ts';

let t: TestApp;
let db: Db;
before(async () => {
  t = await testApp({ demo: true });
  db = t.database.db;
});
after(() => t.close());

const count = async (table: string, where = sql`true`) => Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`))[0]!.n);

/** The commune (Đông Thọ, or Phú Khánh) sends an announcement to some of its cells. */
async function announce(login: string, unitCode: string, audienceCodes: string[], extra: Partial<PublishInput> = {}) {
  const account = await accountByLogin(db, login);
  const unit = await unitByCode(db, unitCode);
  const aud = await Promise.all(audienceCodes.map((c) => unitByCode(db, c)));
  const r = await publish(
    db,
    { accountId: account.id },
    (await loadActor(db, account.id))!,
    {
      unitId: unit.id,
      documentId: null,
      announcement: { title: `Thông báo ${Math.random().toString(36).slice(2, 8)}`, body: 'Đề nghị các đồng chí đảng viên thực hiện nghiêm.' },
      audienceUnitIds: aud.map((u) => u.id),
      audienceRole: 'all',
      requirement: 'read',
      reflection: false,
      dueOn: null,
      excludeExempt: false,
      ...extra,
    },
    { notify: false },
  );
  return r.publication.id;
}

type Pages = { user: string; pages: string[]; documents: string[] };

describe('the installable app', () => {
  test('the manifest names the app in Vietnamese, starts at "/", and its icons are served', async () => {
    const c = new Client(t.app);
    const res = await c.get('/manifest.webmanifest');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/manifest\+json/);
    const m = res.json<{ name: string; short_name: string; start_url: string; scope: string; display: string; theme_color: string; lang: string; icons: { src: string; sizes: string; type: string; purpose?: string }[] }>();
    assert.equal(m.name, 'Sổ tay đảng viên');
    assert.equal(m.start_url, '/');
    assert.equal(m.scope, '/');
    assert.equal(m.display, 'standalone');
    assert.equal(m.lang, 'vi');
    assert.match(m.theme_color, /^#[0-9a-f]{6}$/);
    const sizes = new Set<string>();
    for (const icon of m.icons) {
      const file = await t.app.inject({ method: 'GET', url: icon.src });
      assert.equal(file.statusCode, 200, icon.src);
      assert.equal(file.headers['content-type'], icon.type);
      if (icon.type === 'image/png') {
        // The PNG's own header says its size: width and height at bytes 16 and 20.
        const png = file.rawPayload;
        assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
        assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.sizes, icon.src);
      }
      sizes.add(`${icon.sizes}${icon.purpose ? ` ${icon.purpose}` : ''}`);
    }
    assert.ok(sizes.has('192x192') && sizes.has('512x512') && sizes.has('512x512 maskable') && sizes.has('any'), [...sizes].join(', '));
    // Every page links it, logged in or not.
    assert.match((await c.get('/login')).body, /<link rel="manifest" href="\/manifest.webmanifest"/);
  });

  test('one service worker for the root shows push notifications and keeps the shell and the offline page', async () => {
    const c = new Client(t.app);
    const res = await c.get('/sw.js');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.equal(res.headers['service-worker-allowed'], '/');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.body, /showNotification/);
    assert.match(res.body, /addEventListener\('fetch'/);
    const settings = JSON.parse(/^self\.SOTAY = (.*);$/m.exec(res.body)![1]!) as { version: string; queue: string; precache: string[] };
    assert.ok(settings.precache.includes('/offline'));
    for (const name of ['app.css', 'app.js', 'offline.js', 'read-aloud.js', 'icon.svg']) assert.ok(settings.precache.some((u) => u.startsWith(`/static/${name}?v=`)), name);
    assert.ok(!settings.precache.some((u) => u.includes('sw.js')));
    for (const u of [...settings.precache, settings.queue]) assert.equal((await t.app.inject({ method: 'GET', url: u })).statusCode, 200, u);
    const again = await t.app.inject({ method: 'GET', url: '/sw.js', headers: { 'if-none-match': String(res.headers.etag) } });
    assert.equal(again.statusCode, 304);
    // Only one registration: every script registers the same worker for the same scope.
    for (const name of ['offline.js', 'push.js']) {
      const js = (await t.app.inject({ method: 'GET', url: `/static/${name}` })).body;
      assert.match(js, /register\('\/sw\.js', \{ scope: '\/' \}\)/, name);
    }
  });

  test('the offline page is in Vietnamese and shows nobody\'s data, even when fetched by a logged-in member', async () => {
    const member = await loggedIn(t.app, '0912000301');
    const res = await member.get('/offline');
    assert.equal(res.status, 200);
    assert.match(text(res.body), /Không có kết nối mạng/);
    assert.match(res.body, /href="\/reading"/);
    assert.ok(!res.body.includes(member.csrf), 'no CSRF token of the session');
    assert.ok(!/Đăng xuất|name="sotay-user"|offline\.js/.test(res.body), 'no navigation, account tag or queue script');
    const me = await personByPhone(db, '0912000301');
    assert.ok(!res.body.includes(me.fullName));
  });
});

describe('pages carry their account, and the ones to keep say so', () => {
  test('logged-in answers carry an opaque account tag, different per account; anonymous ones none', async () => {
    const a = await loggedIn(t.app, '0912000301');
    const b = await loggedIn(t.app, '0912000303');
    const ha = (await a.get('/')).headers[USER_HEADER];
    const hb = (await b.get('/')).headers[USER_HEADER];
    assert.match(String(ha), /^[A-Za-z0-9_-]{16,}$/);
    assert.notEqual(ha, hb);
    // The same account has the same tag in another session (a new login keeps its offline pages).
    const a2 = await loggedIn(t.app, '0912000301');
    assert.equal((await a2.get('/reading')).headers[USER_HEADER], ha);
    assert.equal((await a.request('GET', '/api/v1/offline/pages')).headers[USER_HEADER], ha);
    const anon = new Client(t.app);
    const login = await anon.get('/login');
    assert.equal(login.headers[USER_HEADER], undefined);
    assert.ok(!login.body.includes('offline.js') && !login.body.includes('sotay-user'));
    // The page says whose it is, and loads the queue script.
    const home = await a.get('/');
    assert.ok(home.body.includes(`<meta name="sotay-user" content="${String(ha)}"/>`));
    assert.match(home.body, /<script src="\/static\/offline\.js\?v=[0-9a-f]+" defer><\/script>/);
    // After logging out the next page is nobody's: the service worker deletes the kept pages.
    await a.post('/logout');
    assert.equal((await a.get('/login')).headers[USER_HEADER], undefined);
  });

  test('home, the lists and the reading view are kept offline; other pages and pages with a one-shot message are not', async () => {
    const pub = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const c = await loggedIn(t.app, '0912000301');
    for (const url of ['/', '/reading', '/reading?filter=saved', `/reading/${pub}`]) {
      const res = await c.get(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers[OFFLINE_HEADER], '1', url);
    }
    for (const url of ['/account', '/notifications']) assert.equal((await c.get(url)).headers[OFFLINE_HEADER], undefined, url);
    const confirmed = await c.post(`/reading/${pub}/read`);
    assert.equal(confirmed.status, 303);
    const withFlash = await c.get(`/reading/${pub}`);
    assert.match(text(withFlash.body), /Đã ghi nhận: đồng chí đã đọc văn bản/);
    assert.equal(withFlash.headers[OFFLINE_HEADER], undefined, 'the message would show again offline');
    assert.equal((await c.get(`/reading/${pub}`)).headers[OFFLINE_HEADER], '1');
  });

  test('the reading view marks its confirmation buttons for the offline queue, with the messages to say', async () => {
    const read = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const study = await announce('0912000101', 'TB-DT', ['TB-DT-1'], { requirement: 'study', reflection: true });
    const c = await loggedIn(t.app, '0912000301');
    const r = await c.get(`/reading/${read}`);
    assert.ok(r.body.includes(`data-offline="/api/v1/publications/${read}/read"`));
    assert.ok(r.body.includes('data-msg-saved="Đã lưu, sẽ gửi khi có mạng."'));
    const s = await c.get(`/reading/${study}`);
    assert.ok(s.body.includes(`data-offline="/api/v1/publications/${study}/read"`));
    assert.ok(s.body.includes(`data-offline="/api/v1/publications/${study}/study"`));
    // Without JavaScript nothing changes: plain forms to the page routes.
    assert.ok(r.body.includes(`action="/reading/${read}/read"`) && s.body.includes(`action="/reading/${study}/study"`));
  });
});

describe('the pages to keep for a member', () => {
  test('anonymous callers get nothing', async () => {
    const res = await new Client(t.app).request('GET', '/api/v1/offline/pages');
    assert.equal(res.status, 401);
  });

  test('only the member\'s own unread and bookmarked publications, and the lists', async () => {
    const mine = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const otherCell = await announce('0912000101', 'TB-DT', ['TB-DT-2']);
    const readAndSaved = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const readOnly = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const c = await loggedIn(t.app, '0912000301');
    for (const id of [readAndSaved, readOnly]) assert.equal((await c.post(`/reading/${id}/read`)).status, 303);
    const me = await personByPhone(db, '0912000301');
    await setMark(db, { accountId: (await accountByLogin(db, '0912000301')).id }, me.id, readAndSaved, { bookmarked: true });

    const res = await c.request('GET', '/api/v1/offline/pages');
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    const list = res.json<Pages>();
    assert.equal(list.user, res.headers[USER_HEADER]);
    assert.deepEqual(list.pages, ['/', '/reading', '/reading?filter=saved']);
    assert.ok(list.documents.includes(`/reading/${mine}`), 'unread');
    assert.ok(list.documents.includes(`/reading/${readAndSaved}`), 'read but bookmarked');
    assert.ok(!list.documents.includes(`/reading/${readOnly}`), 'read and not bookmarked');
    assert.ok(!list.documents.includes(`/reading/${otherCell}`), 'another cell\'s');
    assert.equal(new Set(list.documents).size, list.documents.length);
    // The demo's Công điện to the whole province is waiting for this member too.
    assert.ok(list.documents.length >= 3);

    // Another cell's member gets theirs, never this member's.
    const other = await loggedIn(t.app, '0912000303');
    const theirs = (await other.request('GET', '/api/v1/offline/pages')).json<Pages>();
    assert.notEqual(theirs.user, list.user);
    for (const id of [mine, readAndSaved, otherCell]) assert.ok(!theirs.documents.includes(`/reading/${id}`), String(id));
    // Every listed page opens for its member (and is marked to keep), none for the other member.
    for (const url of list.documents) {
      const page = await c.get(url);
      assert.equal(page.status, 200, url);
      assert.equal(page.headers[OFFLINE_HEADER], '1', url);
    }
    assert.equal((await other.get(`/reading/${mine}`)).status, 403);
  });

  test('a staff account with no party record keeps only the home page', async () => {
    const staff = await loggedIn(t.app, 'admin');
    const list = (await staff.request('GET', '/api/v1/offline/pages')).json<Pages>();
    assert.deepEqual(list.documents, []);
    assert.ok(list.pages.includes('/'));
  });

  test('fetching a page ahead of time is not "seeing" it; opening it is', async () => {
    const pub = await announce('0912000101', 'TB-DT', ['TB-DT-1'], { requirement: 'none' });
    const c = await loggedIn(t.app, '0912000301');
    const me = await personByPhone(db, '0912000301');
    const seen = () => count('publication_reads', sql`publication_id = ${pub} and person_id = ${me.id}`);
    const ahead = await c.request('GET', `/reading/${pub}`, { headers: { 'x-sotay-precache': '1' } });
    assert.equal(ahead.status, 200);
    assert.equal(ahead.headers[OFFLINE_HEADER], '1');
    assert.equal(await seen(), 0);
    assert.ok((await c.request('GET', '/api/v1/offline/pages')).json<Pages>().documents.includes(`/reading/${pub}`));
    await c.get(`/reading/${pub}`);
    assert.equal(await seen(), 1);
  });
});

describe('confirmations replayed from the offline queue', () => {
  const key = () => `q-${crypto.randomUUID()}`;

  test('"Tôi đã đọc" replayed with its key: one confirmation, one audit entry, the first answer back — also after logging in again', async () => {
    const pub = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const me = await personByPhone(db, '0912000301');
    const k = key();
    const c = await loggedIn(t.app, '0912000301');
    const first = await c.request('POST', `/api/v1/publications/${pub}/read`, { json: {}, headers: { 'idempotency-key': k } });
    assert.equal(first.status, 200);
    assert.deepEqual(first.json<{ changed: string[] }>().changed, ['read']);
    const again = await c.request('POST', `/api/v1/publications/${pub}/read`, { json: {}, headers: { 'idempotency-key': k } });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json());
    // The phone was offline so long the member logged in again: a new session, a new CSRF token, the same key.
    const later = await loggedIn(t.app, '0912000301');
    assert.notEqual(later.csrf, c.csrf);
    const replay = await later.request('POST', `/api/v1/publications/${pub}/read`, { json: {}, headers: { 'idempotency-key': k } });
    assert.equal(replay.status, 200);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(await count('publication_reads', sql`publication_id = ${pub} and person_id = ${me.id}`), 1);
    assert.equal(await count('audit_log', sql`action = 'publication.confirm' and entity_id = ${String(pub)}`), 1);
    const account = await accountByLogin(db, '0912000301');
    assert.equal(await count('idempotency_keys', sql`account_id = ${account.id} and key = ${k}`), 1);
  });

  test('the key belongs to its account: another member replaying the same key confirms for themselves only', async () => {
    const pub = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const k = key();
    const a = await loggedIn(t.app, '0912000301');
    const b = await loggedIn(t.app, '0912000201');
    assert.equal((await a.request('POST', `/api/v1/publications/${pub}/read`, { json: {}, headers: { 'idempotency-key': k } })).status, 200);
    const rb = await b.request('POST', `/api/v1/publications/${pub}/read`, { json: {}, headers: { 'idempotency-key': k } });
    assert.equal(rb.status, 200);
    assert.equal(rb.headers['idempotent-replayed'], undefined);
    const people = await queryRows<{ id: number }>(db, sql`select person_id::int as id from publication_reads where publication_id = ${pub} order by 1`);
    const ids = [(await personByPhone(db, '0912000301')).id, (await personByPhone(db, '0912000201')).id].sort((x, y) => x - y);
    assert.deepEqual(people.map((p) => Number(p.id)), ids);
  });

  test('"Tôi đã nghiên cứu" with its reflection: a refused try is forgotten, the corrected one recorded once', async () => {
    const pub = await announce('0912000101', 'TB-DT', ['TB-DT-1'], { requirement: 'study', reflection: true });
    const me = await personByPhone(db, '0912000301');
    const c = await loggedIn(t.app, '0912000301');
    const k = key();
    const short = await c.request('POST', `/api/v1/publications/${pub}/study`, { json: { reflection: 'Ngắn' }, headers: { 'idempotency-key': k } });
    assert.equal(short.status, 422);
    assert.ok(short.json<{ error: { message: string } }>().error.message.length > 10);
    const reflection = 'Tôi sẽ tuyên truyền cho gia đình và hàng xóm thực hiện 5K, tiêm vắc-xin đầy đủ.';
    const k2 = key();
    const ok = await c.request('POST', `/api/v1/publications/${pub}/study`, { json: { reflection }, headers: { 'idempotency-key': k2 } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json<{ changed: string[] }>().changed, ['read', 'study', 'reflection']);
    for (let i = 0; i < 3; i++) {
      const r = await c.request('POST', `/api/v1/publications/${pub}/study`, { json: { reflection }, headers: { 'idempotency-key': k2 } });
      assert.equal(r.headers['idempotent-replayed'], 'true');
    }
    // The refused key was forgotten: it may carry a corrected request later.
    const account = await accountByLogin(db, '0912000301');
    assert.equal(await count('idempotency_keys', sql`account_id = ${account.id} and key = ${k}`), 0);
    const [row] = await db.select().from(publicationReads).where(and(eq(publicationReads.publicationId, pub), eq(publicationReads.personId, me.id)));
    assert.equal(row!.reflection, reflection);
    assert.ok(row!.studiedAt && row!.readRecordedBy === null);
    assert.equal(await count('audit_log', sql`action = 'publication.confirm' and entity_id = ${String(pub)}`), 1);
  });

  test('a replay without the session\'s token is refused and changes nothing (the queue keeps it for a fresh page)', async () => {
    const pub = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const c = await loggedIn(t.app, '0912000301');
    const res = await c.request('POST', `/api/v1/publications/${pub}/read`, { json: {}, headers: { 'idempotency-key': key(), 'x-csrf-token': 'stale' }, csrf: false });
    assert.equal(res.status, 403);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'csrf');
    assert.equal(await count('publication_reads', sql`publication_id = ${pub}`), 0);
  });

  test('two tabs replaying the same key at once record it once', { skip: onPostgres() ? false : 'PGlite runs one statement at a time: concurrency is only real on PostgreSQL' }, async () => {
    const pub = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const c = await loggedIn(t.app, '0912000301');
    const k = key();
    const results = await Promise.all(Array.from({ length: 8 }, () => c.request('POST', `/api/v1/publications/${pub}/read`, { json: {}, headers: { 'idempotency-key': k } })));
    // Each answer is the first one, a replay of it, or "still running, try later" (the queue keeps that one).
    for (const r of results) assert.ok(r.status === 200 || (r.status === 409 && r.json<{ error: { code: string } }>().error.code === 'in_progress'), `${r.status} ${r.body}`);
    assert.equal(results.filter((r) => r.status === 200 && r.headers['idempotent-replayed'] !== 'true').length, 1);
    assert.equal(await count('publication_reads', sql`publication_id = ${pub}`), 1);
    assert.equal(await count('audit_log', sql`action = 'publication.confirm' and entity_id = ${String(pub)}`), 1);
  });
});
