// Feedback on a real database: sending to the cell or a committee above, answering, forwarding,
// closing, the author's view of the history, overdue items, counts for committees; who reads
// what (nobody outside the sender and the units it was addressed to — not the sender's cell
// secretary of a letter to the commune, not a system administrator); and an anonymous item whose
// author nothing links to but the author's own link, read only for the author.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type Client, type TestApp } from '../../test/kit/app.ts';
import { accountByLogin, personByPhone, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { postMultipart } from '../documents/testing.ts';
import { queryRows } from '../core/db/client.ts';
import { auditLog } from '../core/audit/schema.ts';
import { notificationEvents } from '../core/notify/schema.ts';
import { feedbackAnonymousAuthors, feedbackItems } from './schema.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

async function send(c: Client, form: { unitId: number; category?: string; subject: string; body: string; anonymous?: boolean; file?: { name: string; content: Buffer } }) {
  await c.get('/feedback/new');
  const parts = [
    { name: 'unitId', value: String(form.unitId) },
    { name: 'category', value: form.category ?? 'opinion' },
    { name: 'subject', value: form.subject },
    { name: 'body', value: form.body },
    ...(form.anonymous ? [{ name: 'anonymous', value: '1' }] : []),
    ...(form.file ? [{ name: 'file', fileName: form.file.name, content: form.file.content }] : []),
  ];
  const res = await postMultipart(c, t.app, '/feedback', parts);
  return { res, id: /\/feedback\/([0-9a-f-]{36})/.exec(String(res.headers.location ?? ''))?.[1] ?? '' };
}

describe('named feedback', () => {
  test('to the cell: the secretary answers, the author is told and reads the answer but not internal notes', async () => {
    const db = t.database.db;
    const cell = await unitByCode(db, 'TB-DT-1');
    const member = await loggedIn(t.app, '0912000301');
    const author = await personByPhone(db, '0912000301');
    const { res, id } = await send(member, { unitId: cell.id, category: 'aspiration', subject: 'Đèn đường xóm Đông', body: 'Đề nghị chi bộ kiến nghị lắp đèn đường ở xóm Đông.', file: { name: 'ảnh đường.jpg', content: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) } });
    assert.equal(res.status, 303);
    assert.ok(text((await member.get('/feedback')).body).includes('Đèn đường xóm Đông'));
    const sec = await loggedIn(t.app, '0912000201');
    const inbox = text((await sec.get(`/units/${cell.id}/feedback`)).body);
    assert.ok(inbox.includes('Đèn đường xóm Đông'));
    const item = text((await sec.get(`/feedback/${id}`)).body);
    assert.ok(item.includes(author.fullName) && item.includes('Tâm tư, nguyện vọng'));
    assert.equal((await sec.get(`/feedback/${id}/attachment`)).status, 200);
    assert.equal((await sec.post(`/feedback/${id}/note`, { text: 'Hỏi ý kiến trưởng thôn trước.' })).status, 303);
    const empty = await sec.post(`/feedback/${id}/answer`, { text: '  ' });
    assert.equal(empty.status, 422);
    assert.ok(text(empty.body).includes('Hãy nhập nội dung trả lời.'));
    assert.equal((await sec.post(`/feedback/${id}/answer`, { text: 'Chi bộ đã kiến nghị với UBND xã; dự kiến lắp trong quý IV.' })).status, 303);
    const notices = await db.select().from(notificationEvents).where(eq(notificationEvents.subjectId, id));
    assert.ok(notices.some((n) => n.title === 'Góp ý của đồng chí đã có trả lời' && JSON.stringify(n.audience) === JSON.stringify({ personIds: [author.id] })));
    const seen = text((await member.get(`/feedback/${id}`)).body);
    assert.ok(seen.includes('dự kiến lắp trong quý IV') && seen.includes('Đã trả lời'));
    assert.ok(!seen.includes('Hỏi ý kiến trưởng thôn trước.'), 'internal notes stay internal');
    assert.equal((await member.post(`/feedback/${id}/answer`, { text: 'tự trả lời' })).status, 403, 'the author does not handle it');
  });

  test('to the commune: its committee reads it; the sender\u2019s own cell secretary, another cell, another commune and a system administrator do not', async () => {
    const db = t.database.db;
    const commune = await unitByName(db, 'Đảng ủy xã Đông Thọ');
    const member = await loggedIn(t.app, '0912000301');
    const { id } = await send(member, { unitId: commune.id, category: 'report', subject: 'Phản ánh về bí thư chi bộ', body: 'Nội dung phản ánh.' });
    assert.ok(id);
    assert.equal((await (await loggedIn(t.app, '0912000101')).get(`/feedback/${id}`)).status, 200);
    for (const login of ['0912000201', '0913000201', '0912000303', '0912000111', '0912000202', 'admin', 'bantochuc']) {
      const c = await loggedIn(t.app, login);
      assert.equal((await c.get(`/feedback/${id}`)).status, 403, login);
      assert.equal((await c.get(`/feedback/${id}/attachment`)).status, 403, login);
    }
    const cell = await unitByCode(db, 'TB-DT-1');
    assert.equal((await (await loggedIn(t.app, '0912000303')).get(`/units/${cell.id}/feedback`)).status, 403, 'another cell has no inbox here');
    assert.ok(!text((await (await loggedIn(t.app, '0912000201')).get(`/units/${cell.id}/feedback`)).body).includes('Phản ánh về bí thư chi bộ'));
  });

  test('forwarded up to the city: the city committee handles it, the commune still reads it, the author follows', async () => {
    const db = t.database.db;
    const commune = await unitByName(db, 'Đảng ủy xã Đông Thọ');
    const city = await unitByName(db, 'Thành ủy Thái Bình');
    const member = await loggedIn(t.app, '0912000301');
    const { id } = await send(member, { unitId: commune.id, category: 'question', subject: 'Chế độ cho đảng viên cao tuổi', body: 'Xin hỏi về chế độ tặng huy hiệu.' });
    const cm = await loggedIn(t.app, '0912000101');
    await cm.get(`/feedback/${id}`);
    const bad = await cm.post(`/feedback/${id}/forward`, { toUnitId: String((await unitByCode(db, 'TB-PK-1')).id) });
    assert.equal(bad.status, 422);
    assert.ok(text(bad.body).includes('Chỉ chuyển đến cấp ủy cấp trên hoặc tổ chức đảng cấp dưới của đơn vị đang xử lý.'));
    assert.equal((await cm.post(`/feedback/${id}/forward`, { toUnitId: String(city.id), text: 'Thuộc thẩm quyền Thành ủy.' })).status, 303);
    assert.equal((await cm.get(`/feedback/${id}`)).status, 200, 'the commune still reads it');
    assert.equal((await cm.post(`/feedback/${id}/answer`, { text: 'x' })).status, 403, 'but no longer handles it');
    const cityAdmin = await loggedIn(t.app, 'thanhuy.quantri');
    assert.ok(text((await cityAdmin.get(`/units/${city.id}/feedback`)).body).includes('Chế độ cho đảng viên cao tuổi'));
    assert.equal((await cityAdmin.post(`/feedback/${id}/answer`, { text: 'Theo Quy định 85-QĐ/TW.' })).status, 303);
    assert.equal((await cityAdmin.post(`/feedback/${id}/close`)).status, 303);
    const seen = text((await member.get(`/feedback/${id}`)).body);
    assert.ok(seen.includes('Chuyển') && seen.includes('Thành ủy Thái Bình') && seen.includes('Theo Quy định 85-QĐ/TW.') && seen.includes('Đã đóng'));
    const closedAnswer = await cityAdmin.post(`/feedback/${id}/answer`, { text: 'thêm' });
    assert.equal(closedAnswer.status, 409);
    assert.ok(text(closedAnswer.body).includes('Góp ý đã đóng: hãy mở lại trước.'));
  });

  test('bad input is refused field by field and nothing is saved', async () => {
    const db = t.database.db;
    const before = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from feedback_items`))[0]!.n;
    const member = await loggedIn(t.app, '0912000301');
    const other = await unitByCode(db, 'TB-PK-1');
    const { res } = await send(member, { unitId: other.id, category: 'nonsense', subject: ' ', body: '' });
    assert.equal(res.status, 422);
    for (const msg of ['Hãy chọn loại góp ý.', 'Hãy nhập tiêu đề.', 'Hãy nhập nội dung góp ý.']) assert.ok(text(res.body).includes(msg), msg);
    const wrongUnit = await send(member, { unitId: other.id, subject: 'x', body: 'y' });
    assert.ok(text(wrongUnit.res.body).includes('Hãy chọn nơi nhận: chi bộ của đồng chí hoặc cấp ủy cấp trên.'));
    assert.equal((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from feedback_items`))[0]!.n, before);
  });

  test('overdue items are flagged; committees see counts by category and status', async () => {
    const db = t.database.db;
    const cell = await unitByCode(db, 'TB-DT-2');
    const commune = await unitByName(db, 'Đảng ủy xã Đông Thọ');
    const member = await loggedIn(t.app, '0912000202');
    const { id } = await send(member, { unitId: cell.id, category: 'opinion', subject: 'Họp chi bộ buổi tối', body: 'Đề nghị họp lúc 19 giờ 30.' });
    await db.update(feedbackItems).set({ dueOn: '2020-01-01' }).where(eq(feedbackItems.id, id));
    const sec = await loggedIn(t.app, '0912000202');
    const inbox = text((await sec.get(`/units/${cell.id}/feedback`)).body);
    assert.ok(inbox.includes('1 góp ý quá hạn trả lời.') && inbox.includes('quá hạn'));
    const cm = await loggedIn(t.app, '0912000101');
    const stats = text((await cm.get(`/units/${commune.id}/feedback-stats`)).body);
    assert.match(stats, /Quá hạn: [1-9]/);
    assert.ok(stats.includes('Góp ý') && stats.includes('Tâm tư, nguyện vọng'));
    assert.ok(!stats.includes('Họp chi bộ buổi tối'), 'counts, not content');
    assert.equal((await sec.get(`/units/${commune.id}/feedback-stats`)).status, 403);
  });
});

describe('anonymous feedback', () => {
  test('the receiver never learns the author; the author follows it; no table but the author link ties them', async () => {
    const db = t.database.db;
    const commune = await unitByName(db, 'Đảng ủy phường Phú Khánh');
    const login = '0912000303';
    const author = await personByPhone(db, login);
    const authorAccount = await accountByLogin(db, login);
    const member = await loggedIn(t.app, login);
    const { res, id } = await send(member, { unitId: commune.id, category: 'report', subject: 'Phản ánh ẩn danh về tổ dân phố', body: 'Nội dung phản ánh không ký tên.', anonymous: true });
    assert.equal(res.status, 303);
    // The item: no author, no cell, the date only.
    const [row] = await db.select().from(feedbackItems).where(eq(feedbackItems.id, id));
    assert.equal(row!.authorPersonId, null);
    assert.equal(row!.originUnitId, null);
    assert.equal(row!.recordedBy, null);
    // The receiver reads it without a name; the author reads it in their list.
    const cm = await loggedIn(t.app, '0912000111');
    const page = text((await cm.get(`/feedback/${id}`)).body);
    assert.ok(page.includes('Ẩn danh (người gửi đã chọn ẩn tên)'));
    assert.ok(!page.includes(author.fullName));
    assert.ok(text((await member.get('/feedback')).body).includes('Phản ánh ẩn danh về tổ dân phố'));
    assert.equal((await member.get(`/feedback/${id}`)).status, 200);
    // Nobody else: a fellow member, the cell's secretary, a system administrator.
    for (const other of ['0912000203', '0913000203', 'admin']) assert.equal((await (await loggedIn(t.app, other)).get(`/feedback/${id}`)).status, 403, other);
    await cm.post(`/feedback/${id}/answer`, { text: 'Đảng ủy phường đã giao tổ dân phố xử lý.' });
    assert.ok(text((await member.get(`/feedback/${id}`)).body).includes('Đảng ủy phường đã giao tổ dân phố xử lý.'));

    // The audit log: that an anonymous item was sent — no account, no address, no request, no unit, no item.
    const sends = await db.select().from(auditLog).where(eq(auditLog.action, 'feedback.send'));
    const anon = sends.filter((e) => (e.after as { anonymous: boolean }).anonymous);
    assert.ok(anon.length >= 1);
    for (const e of anon) assert.deepEqual([e.actorAccountId, e.ip, e.requestId, e.entityId, e.unitId, e.onBehalfOfPersonId], [null, null, null, null, null, null]);
    // No notification names the author or is addressed to the author about this item.
    const notices = await db.select().from(notificationEvents);
    for (const n of notices) {
      if (!JSON.stringify(n).includes(id) && n.link !== `/units/${commune.id}/feedback`) continue;
      assert.notEqual(n.createdBy, authorAccount.id);
      assert.ok(!JSON.stringify(n.audience).includes(`${author.id}]`) && !JSON.stringify(n.audience).includes(`[${author.id},`) && !JSON.stringify(n.audience).includes(`,${author.id},`), 'never addressed to the author');
    }
    // Every table: rows that name the item never carry the author — except the author link itself.
    const tables = (await queryRows<{ name: string }>(db, sql`select table_name::text as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).map((r) => r.name);
    const personish = /(^|_)(person_id|account_id|created_by|recorded_by|by_account_id|actor_account_id|on_behalf_of_person_id|handler_account_id|author_person_id|granted_by|published_by)$/;
    for (const name of tables) {
      const rows = await queryRows<Record<string, unknown>>(db, sql.raw(`select * from "${name}"`));
      for (const r of rows) {
        if (!JSON.stringify(r).includes(id)) continue;
        if (name === 'feedback_anonymous_authors') {
          assert.equal(r.person_id, author.id);
          continue;
        }
        for (const [k, v] of Object.entries(r)) if (personish.test(k)) assert.ok(v !== author.id && v !== authorAccount.id, `${name}.${k} names the author`);
      }
    }
    const links = await db.select().from(feedbackAnonymousAuthors).where(eq(feedbackAnonymousAuthors.itemId, id));
    assert.equal(links.length, 1);
  });
});
