// SMS costs money: a publication whose notice goes to thousands, or sends any SMS (HỎA TỐC goes
// by SMS to members who keep it on), shows the count and the cost first and goes out only once
// the sender confirms — on the form (without JavaScript) and in the API (409 until "confirm").
// Nothing is published, and no notice is written, before that.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { queryRows } from '../core/db/client.ts';

let t: TestApp;
before(async () => {
  // A provider is configured (never reached here: nothing is sent in these tests), 800 đồng a message.
  t = await testApp({ demo: true, config: { SOTAY_SMS_URL: 'http://127.0.0.1:9/send', SOTAY_SMS_TOKEN: 'token', SOTAY_SMS_PRICE_VND: '800' } });
});
after(() => t.close());

const count = async (table: 'publications' | 'notification_events') => Number((await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n);
async function hoaToc() {
  const [d] = await queryRows<{ id: number }>(t.database.db, sql`select d.id from documents d join units u on u.id = d.unit_id where u.code = 'TB' and d.number = '360-CV/TU'`);
  return Number(d!.id);
}

test('a HỎA TỐC directive to the province shows recipients and SMS cost, and is published only once confirmed', async () => {
  const province = await unitByCode(t.database.db, 'TB');
  const doc = await hoaToc();
  const c = await loggedIn(t.app, 'bantochuc');
  const before = { pubs: await count('publications'), events: await count('notification_events') };
  const form = { what: 'document', document: String(doc), audience: String(province.id), audienceRole: 'all', requirement: 'read' };

  const first = await c.post(`/publications/new/${province.id}`, form);
  assert.equal(first.status, 200);
  const page = text(first.body);
  assert.match(page, /Kiểm tra số người nhận và chi phí, đánh dấu xác nhận/);
  assert.match(page, /Trước khi gửi Sẽ gửi tới \d+ người\./);
  const sms = /Tin nhắn SMS: (\d+) số điện thoại, khoảng ([\d.]+) đồng \(800 đồng\/tin\)\./.exec(page);
  assert.ok(sms, page);
  assert.ok(Number(sms[1]) > 0, 'members keep SMS on for urgent notices by default');
  assert.equal(Number(sms[2]!.replace(/\./g, '')), Number(sms[1]) * 800);
  assert.match(page, /Đơn vị chưa có ngân sách SMS: sẽ không gửi tin nhắn SMS\./);
  assert.match(first.body, /<input type="checkbox" id="f-confirmSend" name="confirmSend" value="on" required/);
  assert.match(first.body, new RegExp(`<option value="${doc}" selected`), 'what was chosen is kept');
  assert.deepEqual({ pubs: await count('publications'), events: await count('notification_events') }, before, 'nothing published, no notice written');

  const confirmed = await c.post(`/publications/new/${province.id}`, { ...form, confirmSend: 'on' });
  assert.equal(confirmed.status, 303);
  assert.deepEqual({ pubs: await count('publications'), events: await count('notification_events') }, { pubs: before.pubs + 1, events: before.events + 1 });
});

test('the API answers 409 with the count and cost until "confirm" is true', async () => {
  const province = await unitByCode(t.database.db, 'TB');
  const c = await loggedIn(t.app, 'bantochuc');
  const body = { unitId: province.id, documentId: await hoaToc(), audienceUnitIds: [province.id], requirement: 'read' };
  const pubs = await count('publications');
  const refused = await c.request('POST', '/api/v1/publications', { json: body });
  assert.equal(refused.status, 409);
  const err = refused.json<{ error: { code: string; message: string } }>().error;
  assert.equal(err.code, 'confirmation_required');
  assert.match(err.message, /thông báo sẽ gửi tới \d+ người, trong đó \d+ tin nhắn SMS, khoảng [\d.]+ đồng/);
  assert.equal(await count('publications'), pubs);
  const ok = await c.request('POST', '/api/v1/publications', { json: { ...body, confirm: true } });
  assert.equal(ok.status, 201);
});

test('an ordinary announcement to a commune needs no confirmation (no SMS, a small audience)', async () => {
  const commune = await unitByCode(t.database.db, 'TB-DT');
  const c = await loggedIn(t.app, '0912000101');
  const r = await c.post(`/publications/new/${commune.id}`, { what: 'announcement', title: 'Lịch họp', body: 'Họp chi bộ tối thứ Sáu.', audience: String(commune.id), audienceRole: 'all', requirement: 'read' });
  assert.equal(r.status, 303);
});
