// Notifications over HTTP: the inbox, one notice, settings and devices are the member's own —
// nobody reads or changes another's; the sender's delivery pages and the SMS budget follow the
// policy; forms answer with specific Vietnamese messages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, Client, type TestApp } from '../../../test/kit/app.ts';
import { personByPhone, unitByCode } from '../../../test/kit/demo.ts';
import { queryRows } from '../db/client.ts';
import { SYSTEM_CONTEXT } from '../audit/audit.ts';
import { notify, fanOut, type Notice } from './notify.ts';
import { notificationPrefs, pushSubscriptions } from './schema.ts';
import { deviceLabel, pushEndpointOk } from './routes.tsx';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

async function sent(n: Omit<Notice, 'kind'>, who = SYSTEM_CONTEXT): Promise<number> {
  const id = await t.database.db.transaction((tx) => notify(tx, who, { kind: 'announcement', ...n }));
  await fanOut(t.database.db, id, t.config.notify);
  return id;
}

const member = () => loggedIn(t.app, '0912000301'); // Chi bộ thôn Đông Thọ
const otherMember = () => loggedIn(t.app, '0912000303'); // Chi bộ khu dân cư số 1, Phú Khánh

describe('inbox', () => {
  let mine: number;
  let theirs: number;
  before(async () => {
    const a = await personByPhone(t.database.db, '0912000301');
    const b = await personByPhone(t.database.db, '0912000303');
    mine = await sent({ urgency: 'hoa_toc', audience: { personIds: [a.id] }, title: 'Công điện hỏa tốc về phòng dịch', body: 'Triển khai ngay đến các chi bộ.', link: '/documents' });
    theirs = await sent({ urgency: null, audience: { personIds: [b.id] }, title: 'Riêng của đồng chí khác' });
  });

  test('the member sees their notices, unread first marked; opening one marks it read', async () => {
    const c = await member();
    const page = await c.get('/notifications');
    assert.equal(page.status, 200);
    const body = text(page.body);
    assert.match(body, /Công điện hỏa tốc về phòng dịch/);
    assert.match(body, /Hỏa tốc/);
    assert.match(body, /Đồng chí có 1 thông báo chưa đọc\./);
    assert.match(page.body, /<a href="\/notifications">Thông báo \(1 mới\)<\/a>/, 'the navigation shows the unread count');
    assert.doesNotMatch(body, /Riêng của đồng chí khác/);
    const one = await c.get(`/notifications/${mine}`);
    assert.equal(one.status, 200);
    assert.match(text(one.body), /Triển khai ngay đến các chi bộ\./);
    assert.match(one.body, /href="\/documents"/);
    assert.match(text((await c.get('/notifications')).body), /đã đọc hết thông báo/);
    const api = await c.get('/api/v1/notifications/unread');
    assert.deepEqual(api.json(), { unread: 0 });
  });

  test("another member's notice cannot be opened (404), and opening it does not mark it read for its owner", async () => {
    const c = await member();
    const res = await c.get(`/notifications/${theirs}`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.body, /Riêng của đồng chí khác/);
    const [row] = await queryRows<{ read_at: Date | null }>(t.database.db, sql`select read_at from notifications where event_id = ${theirs}`);
    assert.equal(row!.read_at, null);
    const owner = await otherMember();
    assert.match(text((await owner.get('/notifications')).body), /Riêng của đồng chí khác/);
  });

  test('mark all read touches only the member’s own notices', async () => {
    const a = await personByPhone(t.database.db, '0912000301');
    await sent({ urgency: null, audience: { personIds: [a.id] }, title: 'Thêm một thông báo' });
    const c = await member();
    const res = await c.post('/notifications/read-all');
    assert.equal(res.status, 303);
    assert.deepEqual((await c.get('/api/v1/notifications/unread')).json(), { unread: 0 });
    const [row] = await queryRows<{ read_at: Date | null }>(t.database.db, sql`select read_at from notifications where event_id = ${theirs}`);
    assert.equal(row!.read_at, null, "the other member's stays unread");
  });

  test('an anonymous visitor is sent to the login page', async () => {
    const c = new Client(t.app);
    const res = await c.get('/notifications');
    assert.equal(res.status, 303);
    assert.match(String(res.headers.location), /^\/login/);
  });
});

describe('settings and devices', () => {
  test('defaults shown; bad choices answer with specific messages and save nothing', async () => {
    const c = await member();
    const page = await c.get('/notifications/settings');
    assert.equal(page.status, 200);
    assert.match(page.body, /name="smsLevel" value="urgent" checked/);
    assert.match(page.body, /HỎA TỐC luôn được gửi ngay/);
    const bad = await c.post('/notifications/settings', { pushLevel: 'all', emailLevel: 'sometimes', smsLevel: 'urgent', digest: '1', digestHour: '23', quietStart: '22', quietEnd: '' });
    assert.equal(bad.status, 422);
    const body = text(bad.body);
    assert.match(body, /Hãy chọn một trong ba mức\./);
    assert.match(body, /Hãy chọn cả giờ bắt đầu và giờ kết thúc/);
    const person = await personByPhone(t.database.db, '0912000301');
    assert.equal((await t.database.db.select().from(notificationPrefs).where(eq(notificationPrefs.personId, person.id))).length, 0);
    const inQuiet = await c.post('/notifications/settings', { pushLevel: 'all', emailLevel: 'all', smsLevel: 'urgent', digest: '1', digestHour: '23', quietStart: '22', quietEnd: '6' });
    assert.equal(inQuiet.status, 422);
    assert.match(text(inQuiet.body), /Giờ nhận bản tin \(23:00\) nằm trong giờ yên tĩnh/);
  });

  test("saving changes only the member's own settings", async () => {
    const c = await member();
    const res = await c.post('/notifications/settings', { pushLevel: 'urgent', emailLevel: 'off', smsLevel: 'all', digestHour: '7', quietStart: '', quietEnd: '' });
    assert.equal(res.status, 303);
    const a = await personByPhone(t.database.db, '0912000301');
    const [p] = await t.database.db.select().from(notificationPrefs).where(eq(notificationPrefs.personId, a.id));
    assert.deepEqual({ push: p!.pushLevel, email: p!.emailLevel, sms: p!.smsLevel, digest: p!.digest, hour: p!.digestHour, qs: p!.quietStart, qe: p!.quietEnd }, { push: 'urgent', email: 'off', sms: 'all', digest: false, hour: 7, qs: null, qe: null });
    const page = await c.get('/notifications/settings');
    assert.match(page.body, /name="smsLevel" value="all" checked/);
    assert.match(text(page.body), /Đã lưu cách nhận thông báo\./);
    const other = await otherMember();
    assert.match((await other.get('/notifications/settings')).body, /name="smsLevel" value="urgent" checked/, "the other member still has the defaults");
    const rows = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log where action = 'notification.preferences'`);
    assert.equal(rows[0]!.n, 1);
  });

  test('a device turns push on with its subscription; an endpoint into the server’s own network is refused; only the owner removes it', async () => {
    const c = await member();
    await c.get('/notifications/settings');
    const keys = { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) };
    const refused = await c.request('POST', '/api/v1/notifications/devices', { json: { endpoint: 'http://127.0.0.1:5432/x', keys } });
    assert.equal(refused.status, 422);
    assert.match(refused.json<{ error: { message: string } }>().error.message, /không hợp lệ/);
    const ok = await c.request('POST', '/api/v1/notifications/devices', { json: { endpoint: 'https://fcm.googleapis.com/fcm/send/abc123', keys }, headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 10) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36' } });
    assert.equal(ok.status, 201);
    const { id } = ok.json<{ id: number }>();
    assert.match(text((await c.get('/notifications/settings')).body), /Chrome, Android/);
    const other = await otherMember();
    await other.get('/notifications/settings');
    const stolen = await other.post(`/notifications/devices/${id}/delete`);
    assert.equal(stolen.status, 404);
    assert.equal((await t.database.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id))).length, 1);
    const noToken = await c.request('POST', '/api/v1/notifications/devices', { json: { endpoint: 'https://fcm.googleapis.com/fcm/send/other', keys }, csrf: false });
    assert.equal(noToken.status, 403);
    const removed = await c.request('DELETE', '/api/v1/notifications/devices', { json: { endpoint: 'https://fcm.googleapis.com/fcm/send/abc123' } });
    assert.deepEqual(removed.json(), { removed: true });
  });

  test('endpoint and device checks', () => {
    assert.ok(pushEndpointOk('https://updates.push.services.mozilla.com/wpush/v2/gAAA'));
    for (const bad of ['http://fcm.googleapis.com/x', 'https://10.0.0.5/x', 'https://localhost/x', 'https://[::1]/x', 'https://metadata/x', 'https://u:p@fcm.googleapis.com/x', 'nonsense']) assert.ok(!pushEndpointOk(bad), bad);
    assert.equal(deviceLabel('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1'), 'Safari, iOS');
  });

  test('the service worker is served from the root, to anyone', async () => {
    const res = await new Client(t.app).get('/sw.js');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.equal(res.headers['service-worker-allowed'], '/');
    assert.match(res.body, /showNotification/);
  });
});

describe('the sender’s side', () => {
  let eventId: number;
  before(async () => {
    const commune = await unitByCode(t.database.db, 'TB-DT');
    const clerk = (await queryRows<{ id: number }>(t.database.db, sql`select a.id from accounts a join people p on p.id = a.person_id where p.phone = '0912000102'`))[0]!.id;
    eventId = await sent({ urgency: 'khan', audience: { unitIds: [commune.id] }, title: 'Thông báo của Đảng ủy xã Đông Thọ', unitId: commune.id }, { accountId: clerk });
  });

  test('the commune committee sees who got it and who has read it, in name order', async () => {
    const c = await loggedIn(t.app, '0912000101');
    const list = await c.get('/notifications/sent');
    assert.equal(list.status, 200);
    assert.match(text(list.body), /Thông báo của Đảng ủy xã Đông Thọ/);
    const page = await c.get(`/notifications/sent/${eventId}`);
    assert.equal(page.status, 200);
    const body = text(page.body);
    assert.match(body, /người nhận/);
    assert.match(body, /Tin nhắn SMS/);
    assert.match(body, /Nguyễn Văn Thọ/);
    const unread = await c.get(`/notifications/sent/${eventId}?filter=unread`);
    assert.equal(unread.status, 200);
  });

  test('the clerk who sent it sees it; a member, or the committee of another commune, does not', async () => {
    const clerk = await loggedIn(t.app, '0912000102');
    assert.equal((await clerk.get(`/notifications/sent/${eventId}`)).status, 200);
    const m = await member();
    assert.equal((await m.get(`/notifications/sent/${eventId}`)).status, 403);
    assert.equal((await m.get('/notifications/sent')).status, 403);
    const otherCommittee = await loggedIn(t.app, '0912000111');
    assert.equal((await otherCommittee.get(`/notifications/sent/${eventId}`)).status, 403);
    assert.doesNotMatch(text((await otherCommittee.get('/notifications/sent')).body), /Thông báo của Đảng ủy xã Đông Thọ/);
    const secretary = await loggedIn(t.app, '0912000201');
    assert.equal((await secretary.get(`/notifications/sent/${eventId}`)).status, 403);
  });
});

describe('SMS budget', () => {
  test('the province administrator sets a commune’s budget; a committee member cannot; the amount is checked', async () => {
    const commune = await unitByCode(t.database.db, 'TB-DT');
    const admin = await loggedIn(t.app, 'bantochuc');
    const index = await admin.get('/notifications/sms-budget');
    assert.equal(index.status, 303);
    const page = await admin.get(`/notifications/sms-budget/${commune.id}`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), /Chưa đặt/);
    const bad = await admin.post(`/notifications/sms-budget/${commune.id}`, { monthlyVnd: 'năm trăm' });
    assert.equal(bad.status, 422);
    assert.match(text(bad.body), /Hãy nhập số tiền bằng chữ số/);
    const ok = await admin.post(`/notifications/sms-budget/${commune.id}`, { monthlyVnd: '500.000' });
    assert.equal(ok.status, 303);
    assert.match(text((await admin.get(`/notifications/sms-budget/${commune.id}`)).body), /500\.000 đ/);
    const committee = await loggedIn(t.app, '0912000101');
    assert.equal((await committee.get(`/notifications/sms-budget/${commune.id}`)).status, 403);
    assert.equal((await committee.post(`/notifications/sms-budget/${commune.id}`, { monthlyVnd: '9999999' })).status, 403);
  });
});
