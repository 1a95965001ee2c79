// The notification machinery without HTTP: one event path (notify → fan-out → send jobs),
// urgency, quiet hours and the digest, every channel against a real stand-in (an SMTP server, a
// push service, an SMS provider), retries that survive a restart, the SMS budget, the estimate.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { testConfig } from '../../../test/kit/app.ts';
import { testDatabase, type TestDatabase } from '../../../test/kit/db.ts';
import { personByPhone, unitByCode } from '../../../test/kit/demo.ts';
import type { Config } from '../config.ts';
import { queryRows, type Db } from '../db/client.ts';
import { JobQueue } from '../jobs/queue.ts';
import { jobs } from '../jobs/schema.ts';
import { SYSTEM_CONTEXT } from '../audit/audit.ts';
import { people } from '../../people/schema.ts';
import { notify, fanOut, estimate, sweep, needsConfirmation, type Notice } from './notify.ts';
import { purgeNotifyJobs, registerNotifyJobs } from './jobs.ts';
import { savePrefs, DEFAULT_PREFS, localClock, inQuiet, secondsUntil, checkPrefs } from './prefs.ts';
import { reserveSms, setBudget, budgetsOf } from './budget.ts';
import { addDevice, deliveryRecipients, deliveryReport, listInbox, markAllRead, openNotice, unreadCount } from './inbox.ts';
import { vapidKeys } from './channels/push.ts';
import { closeMailTransports } from './channels/email.ts';
import { smsAscii, internationalPhone } from './channels/sms.ts';
import { smsText } from './compose.ts';
import { httpStandIn, pushReceiver, smtpStandIn, verifyVapid, type HttpStandIn, type SmtpStandIn } from './testing.ts';
import { notificationDeliveries, notificationEvents, notifications } from './schema.ts';

let database: TestDatabase;
let db: Db;
let smtp: SmtpStandIn;
let smsProvider: HttpStandIn;
let pushService: HttpStandIn;
let config: Config;

before(async () => {
  database = await testDatabase({ demo: true });
  db = database.db;
  smtp = await smtpStandIn();
  smsProvider = await httpStandIn(200, (r) => JSON.stringify({ id: `m${JSON.parse(r.body.toString()).reference}` }));
  pushService = await httpStandIn(201);
  config = testConfig({ SOTAY_SMTP_URL: smtp.url, SOTAY_MAIL_FROM: 'Sổ tay <sotay@thaibinh.example>', SOTAY_SMS_URL: `${smsProvider.url}/send`, SOTAY_SMS_TOKEN: 'token-123', SOTAY_SMS_SENDER: 'SOTAY', SOTAY_SMS_PRICE_VND: '700', PUBLIC_URL: 'https://sotay.thaibinh.example' });
});
after(async () => {
  closeMailTransports();
  await smtp.close();
  await smsProvider.close();
  await pushService.close();
  await database.close();
});

/** A queue like the server's, with this test's configuration. */
async function newQueue(): Promise<JobQueue> {
  const q = new JobQueue(db, { batch: 50 });
  await registerNotifyJobs(q, () => config);
  return q;
}

/** Runs every job that is ready at `now` (default: now), until none is left. */
async function drain(q: JobQueue, now?: Date): Promise<number> {
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const n = await q.runOnce(now ?? new Date());
    total += n;
    if (n === 0) break;
  }
  return total;
}

async function send(n: Omit<Notice, 'kind'> & { kind?: string }): Promise<number> {
  return db.transaction((tx) => notify(tx, SYSTEM_CONTEXT, { kind: 'announcement', ...n }));
}

const count = async (q: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(db, q))[0]!.n);

/** Members of a unit's subtree who are live (what an "all" audience reaches). */
async function liveMembers(code: string): Promise<number[]> {
  const u = await unitByCode(db, code);
  const rows = await queryRows<{ id: number }>(
    db,
    sql`select m.person_id as id from members m join units u on u.id = m.unit_id where starts_with(u.path, ${u.path}) and m.status in ('active', 'temporarily_transferred') order by 1`,
  );
  return rows.map((r) => r.id);
}

/** Local time in Việt Nam (UTC+7) on a fixed day, as a Date. */
const vnTime = (hh: number, mm = 0) => new Date(Date.UTC(2025, 5, 10, hh - 7, mm));

beforeEach(() => {
  smtp.mails.length = 0;
  smsProvider.received.length = 0;
  pushService.received.length = 0;
});

describe('prefs and clock', () => {
  test('local clock and quiet hours wrap past midnight', () => {
    assert.equal(localClock(vnTime(23, 30)).secondsOfDay, 23 * 3600 + 1800);
    assert.equal(localClock(new Date(Date.UTC(2025, 5, 30, 18))).month, '2025-07'); // 01:00 on 1 July in Hà Nội
    assert.ok(inQuiet(23 * 3600, 22, 6) && inQuiet(3 * 3600, 22, 6) && !inQuiet(6 * 3600, 22, 6) && !inQuiet(12 * 3600, 22, 6));
    assert.ok(inQuiet(13 * 3600, 12, 14) && !inQuiet(14 * 3600, 12, 14));
    assert.equal(secondsUntil(23 * 3600, 6), 7 * 3600);
    assert.equal(secondsUntil(6 * 3600, 6), 0);
  });
  test('choices are checked with specific messages', () => {
    assert.deepEqual(checkPrefs(DEFAULT_PREFS), {});
    assert.match(checkPrefs({ ...DEFAULT_PREFS, quietEnd: null }).quietEnd!, /cả giờ bắt đầu và giờ kết thúc/);
    assert.match(checkPrefs({ ...DEFAULT_PREFS, quietStart: 6, quietEnd: 6 }).quietEnd!, /phải khác/);
    assert.match(checkPrefs({ ...DEFAULT_PREFS, digestHour: 23 }).digestHour!, /nằm trong giờ yên tĩnh/);
  });
  test('SMS text is plain ASCII in one message; phones go international', () => {
    assert.equal(smsAscii('Đảng ủy xã Đông Thọ – “Hỏa tốc”'), 'Dang uy xa Dong Tho - "Hoa toc"');
    assert.equal(internationalPhone('0912 000 301'), '+84912000301');
    assert.equal(internationalPhone('12345'), null);
    const t = smsText([{ eventId: 1, title: 'Công điện về việc tăng cường phòng, chống dịch Covid-19 trên địa bàn tỉnh '.repeat(4), body: '', link: null, urgency: 'hoa_toc' }], 'https://sotay.thaibinh.example');
    assert.ok(t.length <= 160 && /^\[HOA TOC\] Cong dien/.test(t) && t.endsWith(' - So tay sotay.thaibinh.example'), t);
  });
});

describe('one event path', () => {
  test('the VAPID keys are made on the first start, once, and kept in the database', async () => {
    assert.equal(await count(sql`select count(*)::int as n from settings where key = 'vapid_keys'`), 0);
    const q = await newQueue();
    await newQueue(); // a second start enqueues nothing more
    assert.equal(await count(sql`select count(*)::int as n from jobs where dedupe_key = 'notify.keys'`), 1);
    await drain(q);
    const [row] = await queryRows<{ value: { publicKey: string; privateKey: string } }>(db, sql`select value from settings where key = 'vapid_keys'`);
    assert.match(row!.value.publicKey, /^[A-Za-z0-9_-]{87}$/);
    assert.deepEqual(await vapidKeys(db), row!.value);
    assert.equal(await purgeNotifyJobs(db), 0, 'finished jobs are kept a week');
    assert.equal(await purgeNotifyJobs(db, new Date(Date.now() + 8 * 24 * 3600_000)), 1, 'then removed');
  });

  test('notify writes the event and its fan-out job in the caller transaction, nothing else; a rollback leaves nothing', async () => {
    const cell = await unitByCode(db, 'TB-DT-1');
    const jobsBefore = await count(sql`select count(*)::int as n from jobs`);
    await assert.rejects(
      db.transaction(async (tx) => {
        await notify(tx, SYSTEM_CONTEXT, { kind: 'announcement', urgency: null, audience: { unitIds: [cell.id] }, title: 'Sẽ bị hủy', unitId: cell.id });
        throw new Error('business write failed');
      }),
    );
    assert.equal(await count(sql`select count(*)::int as n from notification_events where title = 'Sẽ bị hủy'`), 0);
    assert.equal(await count(sql`select count(*)::int as n from jobs`), jobsBefore);

    const id = await send({ urgency: null, audience: { unitIds: [cell.id] }, title: 'Họp chi bộ tháng 6', unitId: cell.id });
    assert.equal(await count(sql`select count(*)::int as n from notifications where event_id = ${id}`), 0, 'no inbox row inside the request');
    assert.equal(await count(sql`select count(*)::int as n from jobs where queue = 'notify.fanout' and dedupe_key = ${`notify.fanout:${id}`}`), 1);
    assert.equal(await count(sql`select count(*)::int as n from audit_log where action = 'notification.send' and entity_id = ${String(id)}`), 1);
  });

  test('bad notices are refused with a message', async () => {
    await assert.rejects(send({ urgency: null, audience: { personIds: [1] }, title: '   ' }), /tiêu đề/);
    await assert.rejects(send({ urgency: null, audience: { personIds: [1] }, title: 'x', link: 'https://evil.example/' }), /đường dẫn trong Sổ tay/);
  });

  test('the fan-out reaches every live member of the subtree (inbox always), once, and is idempotent', async () => {
    const commune = await unitByCode(db, 'TB-DT');
    const expected = await liveMembers('TB-DT');
    const id = await send({ urgency: 'khan', audience: { unitIds: [commune.id, (await unitByCode(db, 'TB-DT-1')).id] }, title: 'Khẩn: rà soát', unitId: commune.id });
    const r = await fanOut(db, id, config.notify, vnTime(10));
    assert.equal(r.recipients, expected.length);
    const inbox = await queryRows<{ person_id: number }>(db, sql`select person_id from notifications where event_id = ${id} order by 1`);
    assert.deepEqual(inbox.map((x) => x.person_id), expected);
    const again = await fanOut(db, id, config.notify, vnTime(10));
    assert.equal(again.already, true);
    assert.equal(await count(sql`select count(*)::int as n from notifications where event_id = ${id}`), expected.length);
  });

  test('role filters: secretaries only, committee members only; exempt members left out when asked', async () => {
    const city = await unitByCode(db, 'TB-TP');
    const sec = await send({ urgency: null, audience: { unitIds: [city.id], role: 'secretaries' }, title: 'Gửi bí thư' });
    assert.equal((await fanOut(db, sec, config.notify)).recipients, 12, 'six cells, a secretary and a deputy each');
    const committee = await send({ urgency: null, audience: { unitIds: [city.id], role: 'committee' }, title: 'Gửi cấp ủy' });
    await fanOut(db, committee, config.notify);
    const reached = await queryRows<{ phone: string | null }>(db, sql`select p.phone from notifications n join people p on p.id = n.person_id where n.event_id = ${committee}`);
    assert.ok(reached.some((p) => p.phone === '0912000101'), 'the commune committee member is reached');
    assert.ok(reached.length >= 4);
    const all = await liveMembers('TB-TP');
    const exempt = await count(sql`select count(*)::int as n from members m join units u on u.id = m.unit_id where starts_with(u.path, ${city.path}) and m.exempt and m.status in ('active', 'temporarily_transferred')`);
    assert.ok(exempt > 0);
    const noExempt = await send({ urgency: null, audience: { unitIds: [city.id], excludeExempt: true }, title: 'Không gửi người miễn sinh hoạt' });
    assert.equal((await fanOut(db, noExempt, config.notify)).recipients, all.length - exempt);
  });
});

describe('urgency, quiet hours, digest', () => {
  let alice: number; // a member with an email and prefs
  before(async () => {
    alice = (await personByPhone(db, '0912000301')).id;
    await db.update(people).set({ email: 'dangvien301@example.vn' }).where(eq(people.id, alice));
  });

  const due = async (eventId: number, channel: string) => {
    const [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${eventId} and ${notificationDeliveries.channel} = ${channel} and ${notificationDeliveries.personId} = ${alice}`);
    return d;
  };

  test('at 23:00 (default quiet hours 22–06): HỎA TỐC now on email and SMS; khẩn waits until 06:00; ordinary waits for the 18:00 digest and skips SMS', async () => {
    const at = vnTime(23);
    const h = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Hỏa tốc', unitId: (await unitByCode(db, 'TB-DT')).id });
    await fanOut(db, h, config.notify, at);
    for (const ch of ['email', 'sms']) {
      const d = await due(h, ch);
      assert.equal(d?.state, 'queued', ch);
      assert.equal(d!.dueAt.getTime(), at.getTime());
    }
    const k = await send({ urgency: 'khan', audience: { personIds: [alice] }, title: 'Khẩn' });
    await fanOut(db, k, config.notify, at);
    assert.equal((await due(k, 'email'))?.state, 'scheduled');
    assert.equal((await due(k, 'email'))!.dueAt.getTime(), vnTime(30).getTime(), '06:00 next morning');
    const o = await send({ urgency: null, audience: { personIds: [alice] }, title: 'Thường' });
    await fanOut(db, o, config.notify, at);
    const d = await due(o, 'email');
    assert.equal(d?.state, 'scheduled');
    assert.equal(d!.digest, true);
    assert.equal(d!.dueAt.getTime(), vnTime(24 + 18).getTime(), '18:00 next day');
    assert.equal(await due(o, 'sms'), undefined, 'SMS is for urgent notices by default');
  });

  test("a member's own choices: SMS for everything, no digest, quiet 12–14; email off", async () => {
    await savePrefs(db, SYSTEM_CONTEXT, alice, { ...DEFAULT_PREFS, smsLevel: 'all', emailLevel: 'off', digest: false, quietStart: 12, quietEnd: 14 });
    const at = vnTime(13);
    const o = await send({ urgency: null, audience: { personIds: [alice] }, title: 'Thường 2' });
    await fanOut(db, o, config.notify, at);
    assert.equal(await due(o, 'email'), undefined);
    const sms = await due(o, 'sms');
    assert.equal(sms?.state, 'scheduled');
    assert.equal(sms!.dueAt.getTime(), vnTime(14).getTime());
    const h = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Hỏa tốc 2' });
    await fanOut(db, h, config.notify, at);
    assert.equal((await due(h, 'sms'))?.state, 'queued', 'HỎA TỐC ignores quiet hours');
    assert.equal(await due(h, 'email'), undefined, 'a channel turned off stays off');
    await savePrefs(db, SYSTEM_CONTEXT, alice, DEFAULT_PREFS);
  });
});

describe('channels', () => {
  let q: JobQueue;
  let commune: { id: number };
  let alice: number;
  before(async () => {
    q = await newQueue();
    commune = await unitByCode(db, 'TB-DT');
    alice = (await personByPhone(db, '0912000301')).id;
    await db.update(people).set({ email: 'dangvien301@example.vn' }).where(eq(people.id, alice));
    await setBudget(db, SYSTEM_CONTEXT, commune.id, 1_000_000);
    // Clear what earlier tests left queued.
    await db.execute(sql`update notification_deliveries set state = 'skipped' where state in ('queued', 'scheduled')`);
    await db.execute(sql`update jobs set status = 'done' where queue like 'notify.%' and status = 'queued'`);
  });

  test('email goes out over SMTP: Vietnamese subject and body, a link to the app', async () => {
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Công điện 600/CĐ-BCĐ về cách ly', body: 'Triển khai đến các chi bộ trong toàn Đảng bộ tỉnh.', link: '/documents/1', unitId: commune.id });
    await drain(q);
    assert.equal(smtp.mails.length, 1);
    const m = smtp.mails[0]!;
    assert.deepEqual(m.to, ['dangvien301@example.vn']);
    assert.equal(m.from, 'sotay@thaibinh.example');
    assert.equal(m.subject, '[HỎA TỐC] Công điện 600/CĐ-BCĐ về cách ly');
    assert.match(m.text, /Triển khai đến các chi bộ trong toàn Đảng bộ tỉnh\./);
    assert.match(m.text, new RegExp(`https://sotay.thaibinh.example/notifications/${id}`));
    const [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${id} and channel = 'email'`);
    assert.equal(d!.state, 'sent');
    assert.ok(d!.sentAt);
  });

  test('SMS goes to the provider with the token, an idempotency key, ASCII text; its cost is charged to the unit', async () => {
    const before = (await budgetsOf(db, [commune.id])).get(commune.id)!;
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Công điện hỏa tốc', unitId: commune.id });
    await drain(q);
    assert.equal(smsProvider.received.length, 1);
    const r = smsProvider.received[0]!;
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/send');
    assert.equal(r.headers.authorization, 'Bearer token-123');
    const body = JSON.parse(r.body.toString()) as { to: string; text: string; sender: string; reference: string };
    assert.equal(body.to, '+84912000301');
    assert.equal(body.sender, 'SOTAY');
    assert.match(body.text, /^\[HOA TOC\] Cong dien hoa toc - So tay sotay\.thaibinh\.example$/);
    assert.equal(r.headers['idempotency-key'], `sotay-sms-${body.reference}`);
    const [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${id} and channel = 'sms'`);
    assert.equal(d!.state, 'sent');
    assert.equal(d!.costVnd, 700);
    const after = (await budgetsOf(db, [commune.id])).get(commune.id)!;
    assert.equal(after.spentVnd - before.spentVnd, 700);
  });

  test('Web Push: the push service receives an encrypted payload the device can read, signed with the stored VAPID key', async () => {
    const device = pushReceiver();
    await addDevice(db, SYSTEM_CONTEXT, alice, { endpoint: `${pushService.url}/push/abc`, ...device.subscription, label: 'Chrome, Android' });
    const keys = await vapidKeys(db);
    assert.deepEqual(await vapidKeys(db), keys, 'generated once, kept in the database');
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Hỏa tốc: họp khẩn', body: 'Họp lúc 14 giờ.', unitId: commune.id });
    await drain(q);
    assert.equal(pushService.received.length, 1);
    const r = pushService.received[0]!;
    assert.equal(r.path, '/push/abc');
    assert.equal(r.headers['content-encoding'], 'aes128gcm');
    assert.equal(r.headers.urgency, 'high');
    assert.equal(r.headers.ttl, String(24 * 3600));
    const claims = verifyVapid(String(r.headers.authorization), keys.publicKey);
    assert.equal(claims.aud, pushService.url);
    assert.equal(claims.sub, 'https://sotay.thaibinh.example');
    assert.ok(claims.exp * 1000 > Date.now());
    assert.ok(!r.body.toString('latin1').includes('Hỏa tốc'), 'the payload travels encrypted');
    const payload = JSON.parse(device.decrypt(r.body)) as { title: string; body: string; url: string };
    assert.deepEqual(payload, { title: '[HỎA TỐC] Hỏa tốc: họp khẩn', body: 'Họp lúc 14 giờ.', url: `/notifications/${id}`, tag: `n${id}`, urgent: true });
  });

  test('a device the push service no longer knows (410) is forgotten, and that delivery is skipped next time', async () => {
    pushService.answers.push(410);
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Hỏa tốc 3', unitId: commune.id });
    await drain(q);
    const [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${id} and channel = 'push'`);
    assert.equal(d!.state, 'failed');
    assert.match(d!.lastError!, /hủy đăng ký/);
    assert.equal(await count(sql`select count(*)::int as n from push_subscriptions where person_id = ${alice}`), 0);
  });

  test('the daily digest: ordinary notices wait, then go as one email listing them', async () => {
    const at = vnTime(10);
    const a = await send({ urgency: null, audience: { personIds: [alice] }, title: 'Thông báo thường A' });
    const b = await send({ urgency: null, audience: { personIds: [alice] }, title: 'Thông báo thường B' });
    await fanOut(db, a, config.notify, at);
    await fanOut(db, b, config.notify, at);
    await drain(q);
    assert.equal(smtp.mails.length, 0, 'nothing before 18:00');
    assert.equal(await sweep(db, vnTime(17, 59)), 0);
    assert.equal(await sweep(db, vnTime(18, 0)), 2);
    await drain(q);
    assert.equal(smtp.mails.length, 1);
    assert.equal(smtp.mails[0]!.subject, 'Sổ tay: 2 thông báo mới');
    assert.match(smtp.mails[0]!.text, /1\. Thông báo thường A[\s\S]*2\. Thông báo thường B/);
  });

  test('a failing provider is retried with back-off, by a new process after a restart; nothing is sent twice', async () => {
    smsProvider.answers.push(503, 503);
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Thử lại', unitId: commune.id });
    await drain(q);
    const [job] = await db.select().from(jobs).where(sql`${jobs.queue} = 'notify.send' and ${jobs.payload}->>'channel' = 'sms' and ${jobs.status} = 'queued' and ${jobs.attempts} > 0`);
    assert.ok(job, 'the send job waits for its next attempt');
    assert.equal(job.attempts, 1);
    assert.ok(job.runAt.getTime() > Date.now(), 'back-off: the next attempt is later');
    let [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${id} and channel = 'sms'`);
    assert.equal(d!.state, 'queued');
    assert.match(d!.lastError!, /503/);
    // "Restart": a new queue (as a new process would have) picks it up when it is due.
    const q2 = await newQueue();
    await drain(q2, new Date(Date.now() + 3600_000));
    [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${id} and channel = 'sms'`);
    assert.equal(d!.state, 'sent');
    assert.equal(d!.attempts, 3);
    assert.equal(smsProvider.received.length, 3, 'two refused tries and one that went through');
    assert.equal(new Set(smsProvider.received.map((r) => r.headers['idempotency-key'])).size, 1, 'every try carries the same idempotency key');
    // Email went once, not once per SMS retry.
    assert.equal(smtp.mails.length, 1);
  });

  test('a number the provider refuses (400) fails at once without retry; the budget is given back', async () => {
    smsProvider.answers.push(400);
    const before = (await budgetsOf(db, [commune.id])).get(commune.id)!;
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Số sai', unitId: commune.id });
    await drain(q);
    const [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${id} and channel = 'sms'`);
    assert.equal(d!.state, 'failed');
    assert.equal((await budgetsOf(db, [commune.id])).get(commune.id)!.spentVnd, before.spentVnd);
  });

  test('without budget left, SMS is skipped (and says why); other channels still go', async () => {
    await setBudget(db, SYSTEM_CONTEXT, commune.id, 0);
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Hết tiền', unitId: commune.id });
    await drain(q);
    const ds = await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.eventId, id));
    const sms = ds.find((d) => d.channel === 'sms')!;
    assert.equal(sms.state, 'skipped');
    assert.match(sms.lastError!, /hết ngân sách SMS/);
    assert.equal(ds.find((d) => d.channel === 'email')!.state, 'sent');
    assert.equal(smsProvider.received.length, 0);
    await setBudget(db, SYSTEM_CONTEXT, commune.id, 1_000_000);
  });

  test('the last attempt marks what is left as failed, with the error, for the sender to see', async () => {
    smtp.rejectNext.code = 451;
    smtp.rejectNext.count = 100;
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: [alice] }, title: 'Máy chủ thư lỗi', unitId: commune.id });
    await drain(q);
    await db.execute(sql`update jobs set max_attempts = 2 where queue = 'notify.send' and status = 'queued' and payload->>'channel' = 'email'`);
    await drain(q, new Date(Date.now() + 3600_000));
    smtp.rejectNext.count = 0;
    const [d] = await db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.eventId} = ${id} and channel = 'email'`);
    assert.equal(d!.state, 'failed');
    assert.equal(d!.attempts, 2);
    assert.match(d!.lastError!, /451/);
    const report = await deliveryReport(db, id);
    assert.equal(report!.channels.email.failed, 1);
    assert.equal(report!.channels.sms.sent, 1);
    const { rows } = await deliveryRecipients(db, id, { filter: 'failed' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.channels.email?.state, 'failed');
  });

  test('a shared phone gets one SMS for the couple', async () => {
    const couple = await queryRows<{ id: number; phone: string }>(db, sql`select id, phone from people where phone = '0987000001' order by id`);
    assert.equal(couple.length, 2);
    const id = await send({ urgency: 'hoa_toc', audience: { personIds: couple.map((c) => c.id) }, title: 'Cho hai ông bà', unitId: commune.id });
    await drain(q);
    assert.equal(await count(sql`select count(*)::int as n from notifications where event_id = ${id}`), 2, 'both have it in the app');
    assert.equal(smsProvider.received.length, 1);
  });
});

describe('estimate and budget', () => {
  test('estimate counts recipients per channel and the SMS cost, without writing', async () => {
    const city = await unitByCode(db, 'TB-TP');
    const eventsBefore = await count(sql`select count(*)::int as n from notification_events`);
    const e = await estimate(db, config.notify, { audience: { unitIds: [city.id] }, urgency: 'hoa_toc', unitId: city.id });
    const all = await liveMembers('TB-TP');
    assert.equal(e.recipients, all.length);
    const phones = await count(sql`select count(distinct p.phone)::int as n from people p where p.id in (${sql.join(all.map((x) => sql`${x}`), sql`, `)}) and p.phone is not null`);
    assert.equal(e.channels.sms, phones);
    assert.equal(e.smsCostVnd, phones * 700);
    assert.equal(e.budget, null, 'the city has no SMS budget');
    assert.equal(e.overBudget, true);
    assert.equal(needsConfirmation(e), true);
    const ordinary = await estimate(db, config.notify, { audience: { unitIds: [city.id] }, urgency: null });
    assert.equal(ordinary.channels.sms, 0, 'ordinary notices do not go by SMS by default');
    assert.equal(await count(sql`select count(*)::int as n from notification_events`), eventsBefore);
  });

  test('the budget resets each month and is never passed', async () => {
    const unit = await unitByCode(db, 'TB-PK');
    await setBudget(db, SYSTEM_CONTEXT, unit.id, 2000, new Date(Date.UTC(2025, 4, 20)));
    assert.equal(await reserveSms(db, unit.id, 1500, new Date(Date.UTC(2025, 4, 20))), true);
    assert.equal(await reserveSms(db, unit.id, 1500, new Date(Date.UTC(2025, 4, 21))), false);
    assert.equal(await reserveSms(db, unit.id, 1500, new Date(Date.UTC(2025, 5, 2))), true, 'June starts from zero');
    assert.equal((await budgetsOf(db, [unit.id], new Date(Date.UTC(2025, 5, 2)))).get(unit.id)!.spentVnd, 1500);
    await assert.rejects(setBudget(db, SYSTEM_CONTEXT, unit.id, -5), /không âm/);
  });

  test('concurrent SMS reservations never pass the budget', { skip: process.env.DATABASE_URL ? false : 'needs real concurrency: PGlite runs one statement at a time' }, async () => {
    const unit = await unitByCode(db, 'TB-VP');
    await setBudget(db, SYSTEM_CONTEXT, unit.id, 70_000);
    const results = await Promise.all(Array.from({ length: 300 }, () => reserveSms(db, unit.id, 700)));
    assert.equal(results.filter(Boolean).length, 100);
    assert.equal((await budgetsOf(db, [unit.id])).get(unit.id)!.spentVnd, 70_000);
  });
});

describe('inbox', () => {
  test('a member sees only their own notices; opening marks read; mark all', async () => {
    const a = (await personByPhone(db, '0912000301')).id;
    const b = (await personByPhone(db, '0912000303')).id;
    const secret = await send({ urgency: null, audience: { personIds: [b] }, title: 'Chỉ cho B' });
    await fanOut(db, secret, config.notify);
    assert.equal(await openNotice(db, a, secret), null, "A cannot open B's notice");
    const [row] = await db.select().from(notifications).where(sql`${notifications.eventId} = ${secret}`);
    assert.equal(row!.readAt, null, 'and it stays unread for B');
    const mine = await listInbox(db, a);
    assert.ok(mine.items.every((i) => i.eventId !== secret));
    const before = await unreadCount(db, b);
    const opened = await openNotice(db, b, secret);
    assert.equal(opened?.title, 'Chỉ cho B');
    assert.equal(await unreadCount(db, b), before - 1);
    assert.ok((await unreadCount(db, a)) > 0);
    await markAllRead(db, SYSTEM_CONTEXT, a);
    assert.equal(await unreadCount(db, a), 0);
    const [ev] = await db.select().from(notificationEvents).where(eq(notificationEvents.id, secret));
    assert.equal(ev!.recipients, 1);
  });
});
