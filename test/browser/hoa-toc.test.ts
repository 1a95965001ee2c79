// One HỎA TỐC directive, end to end in a real browser: the province's Ban Tổ chức publishes
// Công văn 360-CV/TU (HỎA TỐC) from its library to the whole province asking members to confirm
// reading, after seeing the number of recipients and the SMS cost; the notice goes out at once (the job queue runs the fan-out); a member on a 360-px
// phone sees it in the navigation, opens the notice, reads the directive and confirms; the
// secretary of Chi bộ thôn Tống Vũ records the elderly members who have no phone as told in
// person; the rest of the cell confirm from their own phones, and a member finds the directive
// again by typing without diacritics; the province's roll-up shows the cell at 100%. axe-core finds no
// violations on every page on the way, and nothing scrolls sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { expectAccessible, launchBrowser, login } from '../kit/browser.ts';
import { finishStartup, loggedIn, testConfig } from '../kit/app.ts';
import { testDatabase, type TestDatabase } from '../kit/db.ts';
import { unitByCode } from '../kit/demo.ts';
import { queryRows } from '../../src/core/db/client.ts';
import { createServer } from '../../src/server.ts';
import type { JobQueue } from '../../src/core/jobs/queue.ts';

let browser: Browser;
let database: TestDatabase;
let app: FastifyInstance;
let jobs: JobQueue;
let url = '';

before(async () => {
  browser = await launchBrowser();
  database = await testDatabase({ demo: true });
  // An SMS provider is configured (so the send must be confirmed with its cost); the province has
  // no SMS budget, so no message is actually sent.
  ({ app, jobs } = await createServer(testConfig({ SOTAY_SMS_URL: 'http://127.0.0.1:9/send', SOTAY_SMS_TOKEN: 'token' }), { database, logger: false }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  await finishStartup(jobs);
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
after(async () => {
  await browser?.close();
  await jobs?.stop();
  await app?.close();
  await database?.close();
});

async function phone(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
  context.setDefaultTimeout(30_000);
  return context.newPage();
}

const check = expectAccessible;

/** Runs the queue until it is empty: the fan-out of the notice, then its sends. */
async function runJobs(): Promise<number> {
  let ran = 0;
  for (let i = 0; i < 20; i++) {
    const n = await jobs.runOnce();
    if (n === 0) break;
    ran += n;
  }
  return ran;
}

type CellMember = { personId: number; name: string; phone: string | null; card: string | null; hasAccount: boolean; phoneKind: string; secretary: boolean };

async function cellMembers(code: string): Promise<CellMember[]> {
  const cell = await unitByCode(database.db, code);
  const rows = await queryRows<{ person_id: number; name: string; phone: string | null; card: string | null; account_id: number | null; phone_kind: string; secretary: boolean }>(
    database.db,
    sql`select m.person_id, p.full_name as name, p.phone, m.card_number as card, a.id as account_id, p.phone_kind,
               exists (select 1 from role_assignments r where r.account_id = a.id and r.unit_id = ${cell.id} and r.role = 'cell_secretary' and r.revoked_at is null) as secretary
        from members m join people p on p.id = m.person_id left join accounts a on a.person_id = p.id and not a.disabled
        where m.unit_id = ${cell.id} and m.status = 'active' order by p.sort_key`,
  );
  return rows.map((r) => ({ personId: Number(r.person_id), name: r.name, phone: r.phone, card: r.card, hasAccount: r.account_id != null, phoneKind: r.phone_kind, secretary: !!r.secretary }));
}

test('a HỎA TỐC directive goes from the province to every member of a cell, and the roll-up shows 100%', async () => {
  const members = await cellMembers('TB-DT-2');
  const secretary = members.find((m) => m.secretary && m.phone);
  const reader = members.find((m) => !m.secretary && m.hasAccount && m.phone && m.phoneKind === 'smartphone');
  const withoutPhone = members.filter((m) => m.phoneKind === 'none' || !m.hasAccount || !m.phone);
  assert.ok(secretary && reader, 'the demo cell has a secretary and a member with a smartphone');
  assert.ok(withoutPhone.length >= 1, 'and an elderly member without a phone');

  // 1. The province publishes the directive from its library.
  const office = await phone();
  await login(office, url, 'bantochuc');
  await office.goto(`${url}/publications/new`);
  await office.getByRole('heading', { name: 'Phát hành văn bản, thông báo' }).waitFor();
  await office.getByLabel('Một văn bản trong thư viện').check();
  const option = await office.getByLabel('Văn bản', { exact: true }).locator('option', { hasText: '360-CV/TU' }).getAttribute('value');
  assert.ok(option, 'Công văn 360-CV/TU is in the province library');
  await office.getByLabel('Văn bản', { exact: true }).selectOption(option);
  // "Triển khai đến các chi bộ trong toàn Đảng bộ tỉnh": the whole province, subtree and all.
  await office.locator('#f-audience').check();
  await office.getByLabel('Xác nhận đã đọc').check();
  await check(office, 'publish form, filled in');
  await office.getByRole('button', { name: 'Phát hành' }).click();
  // HỎA TỐC goes by SMS too: the count and the cost first, then the confirmation.
  await office.getByRole('heading', { name: 'Trước khi gửi' }).waitFor();
  await office.getByText(/Tin nhắn SMS: \d+ số điện thoại, khoảng [\d.]+ đồng/).waitFor();
  await check(office, 'the count and cost before sending');
  await office.getByLabel('Tôi đã xem số người nhận và chi phí SMS ở trên, xác nhận phát hành').check();
  await office.getByRole('button', { name: 'Phát hành' }).click();
  await office.getByText('Đã phát hành đến 1 đơn vị.').waitFor();
  const publicationPath = new URL(office.url()).pathname;
  const publicationId = Number(publicationPath.split('/').pop());
  assert.ok(publicationId > 0);
  await check(office, 'rates right after publishing');

  // 2. HỎA TỐC goes out at once: the fan-out runs now, not in a digest.
  assert.ok((await runJobs()) >= 1, 'the notice was fanned out');
  const [missing] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from members m join units u on u.id = m.unit_id join accounts a on a.person_id = m.person_id
        where u.code = 'TB-DT-2' and m.status = 'active'
          and not exists (select 1 from notifications n join notification_events e on e.id = n.event_id where n.person_id = m.person_id and e.link = ${`/reading/${publicationId}`})`,
  );
  assert.equal(Number(missing!.n), 0, 'every member of the cell with an account has the notice in their inbox');

  // 3. The member, on their phone: the notice, the directive, "Tôi đã đọc".
  const member = await phone();
  await login(member, url, reader.card ?? reader.phone!);
  await member.getByRole('link', { name: /Thông báo \(\d+ mới\)/ }).first().click();
  await member.getByRole('link', { name: /360-CV\/TU/ }).first().click();
  await member.getByText(/HỎA TỐC|Hỏa tốc/).first().waitFor();
  await check(member, 'the notice');
  await member.getByRole('link', { name: 'Mở nội dung' }).click();
  assert.equal(new URL(member.url()).pathname, `/reading/${publicationId}`);
  await member.getByRole('heading', { name: /Về tăng cường phòng, chống dịch COVID-19/, level: 1 }).waitFor();
  await check(member, 'the directive on a phone');
  await member.getByRole('button', { name: 'Tôi đã đọc' }).click();
  await member.getByText('Đã ghi nhận: đồng chí đã đọc văn bản.').waitFor();
  await check(member, 'the directive, confirmed');
  await member.context().close();

  // 4. The secretary records the members without a phone as told in person.
  const sec = await phone();
  await login(sec, url, secretary.card ?? secretary.phone!);
  await sec.goto(`${url}${publicationPath}`);
  await sec.getByRole('heading', { name: /Đảng viên: Chi bộ thôn Tống Vũ/ }).waitFor();
  for (const m of withoutPhone) await sec.getByRole('checkbox', { name: new RegExp(m.name) }).check();
  await check(sec, 'recording in person');
  await sec.getByRole('button', { name: 'Ghi nhận' }).click();
  await sec.getByText(`Đã ghi nhận ${withoutPhone.length} đảng viên được phổ biến trực tiếp.`).waitFor();
  await check(sec, 'after recording in person');
  await sec.context().close();

  // 5. The rest of the cell confirm from their own phones.
  const done = new Set([reader.personId, ...withoutPhone.map((m) => m.personId)]);
  for (const m of members.filter((x) => !done.has(x.personId))) {
    // By party card number: an elderly couple shares one phone number.
    const c = await loggedIn(app, m.card ?? m.phone!);
    await c.get(`/reading/${publicationId}`);
    const r = await c.post(`/reading/${publicationId}/read`, {});
    assert.equal(r.status, 303, `${m.name} confirms`);
  }

  // A member finds it again by a half-remembered phrase typed without diacritics.
  const again = await phone();
  await login(again, url, reader.card ?? reader.phone!);
  await again.getByRole('link', { name: /Tìm văn bản/ }).click();
  await again.getByLabel('Tìm trong văn bản, thông báo đã gửi đến đồng chí').fill('tang cuong phong chong dich covid');
  await again.getByRole('button', { name: 'Tìm', exact: true }).click();
  await again.locator(`a[href="/reading/${publicationId}"]`).waitFor();
  await check(again, 'search results');
  await again.context().close();

  // 6. The province's roll-up, drilled down to the commune: the cell at 100%.
  const total = await queryRows<{ expected: number; read: number; in_person: number }>(
    database.db,
    sql`select count(*)::int as expected, count(r.read_at)::int as read, count(*) filter (where r.read_recorded_by is not null)::int as in_person
        from members m join units u on u.id = m.unit_id
        left join publication_reads r on r.person_id = m.person_id and r.publication_id = ${publicationId}
        where u.code = 'TB-DT-2' and m.status = 'active'`,
  );
  assert.deepEqual(total[0], { expected: members.length, read: members.length, in_person: withoutPhone.length });
  await office.goto(`${url}${publicationPath}`);
  await office.getByRole('link', { name: 'Thành ủy Thái Bình' }).first().click();
  await office.getByRole('link', { name: 'Đảng ủy xã Đông Thọ' }).first().click();
  const row = office.getByRole('row', { name: /Chi bộ thôn Tống Vũ/ });
  const cells = await row.innerText();
  assert.match(cells, new RegExp(`^Chi bộ thôn Tống Vũ\\s+${members.length}\\s+${members.length} \\(100%\\)`), cells);
  await check(office, 'the roll-up at 100%');
  await office.context().close();
});
