// Notifications in a real browser: the unread count in the navigation, the inbox and a notice,
// the settings page (with and without JavaScript, on a 360-px phone), the service worker showing
// a push message, the sender's delivery page and the SMS budget — axe-core finds no violations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { axe, describeViolations, launchBrowser, liveServer, login, type LiveServer } from '../kit/browser.ts';
import { accountByLogin, personByPhone, unitByCode } from '../kit/demo.ts';
import { testConfig } from '../kit/app.ts';
import { queryRows } from '../../src/core/db/client.ts';
import { JobQueue } from '../../src/core/jobs/queue.ts';
import { notify, type Notice } from '../../src/core/notify/notify.ts';
import { registerNotifyJobs } from '../../src/core/notify/jobs.ts';

let browser: Browser;
let server: LiveServer;
let queue: JobQueue;
before(async () => {
  browser = await launchBrowser();
  server = await liveServer();
  queue = new JobQueue(server.database.db, { batch: 50 });
  await registerNotifyJobs(queue, () => testConfig());
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function send(n: Omit<Notice, 'kind'>, accountId: number | null = null): Promise<number> {
  const id = await server.database.db.transaction((tx) => notify(tx, { accountId }, { kind: 'announcement', ...n }));
  for (let i = 0; i < 10 && (await queue.runOnce()) > 0; i++);
  return id;
}

async function newPage(opts: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: { width: opts.width ?? 390, height: 800 }, locale: 'vi-VN' });
  return context.newPage();
}

async function noViolations(page: Page, what: string) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${what}:\n${describeViolations(v)}`);
}

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

test('a member sees the unread count, reads the inbox and a notice, and marks all read — on a 360-px phone', async () => {
  const me = await personByPhone(server.database.db, '0912000301');
  await send({ urgency: 'hoa_toc', audience: { personIds: [me.id] }, title: 'Công điện hỏa tốc về phòng, chống dịch', body: 'Triển khai ngay đến các chi bộ.\nBáo cáo trước 15 giờ.', link: '/' });
  await send({ urgency: null, audience: { personIds: [me.id] }, title: 'Lịch sinh hoạt chi bộ tháng 9' });
  const page = await newPage({ width: 360 });
  await login(page, server.url, '0912000301');
  const nav = page.getByRole('link', { name: 'Thông báo (2 mới)' });
  assert.equal(await nav.count(), 1, 'the navigation shows two unread notices');
  await nav.click();
  await page.getByRole('heading', { name: 'Thông báo', level: 1 }).waitFor();
  assert.ok(await page.getByText('Đồng chí có 2 thông báo chưa đọc.').isVisible());
  assert.ok(await fitsWidth(page), 'no sideways scrolling at 360 px');
  await noViolations(page, 'inbox');

  await page.getByRole('link', { name: 'Công điện hỏa tốc về phòng, chống dịch' }).click();
  await page.getByRole('heading', { name: /Công điện hỏa tốc/ }).waitFor();
  assert.ok(await page.getByText('Báo cáo trước 15 giờ.').isVisible());
  assert.ok(await page.getByRole('link', { name: 'Mở nội dung' }).isVisible());
  assert.equal(await page.getByRole('link', { name: 'Thông báo (1 mới)' }).count(), 1, 'opening it marked it read');
  await noViolations(page, 'one notice');

  await page.goto(`${server.url}/notifications`);
  await page.getByRole('button', { name: 'Đánh dấu tất cả là đã đọc' }).click();
  await page.getByText('Đã đánh dấu 1 thông báo là đã đọc.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Thông báo', exact: true }).count(), 1);
  await page.context().close();
});

test('the settings page: large choices that save without JavaScript, with specific messages', async () => {
  const page = await newPage({ javaScriptEnabled: false, width: 360 });
  await login(page, server.url, '0912000301');
  await page.goto(`${server.url}/notifications/settings`);
  await page.getByRole('heading', { name: 'Cách nhận thông báo', level: 1 }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Bật thông báo trên thiết bị này' }).isVisible(), false, 'no push button without JavaScript');
  await page.getByRole('group', { name: 'Tin nhắn SMS' }).getByLabel('Mọi thông báo').check();
  await page.getByLabel('Giờ nhận bản tin hằng ngày').selectOption('23');
  await page.getByRole('button', { name: 'Lưu cách nhận thông báo' }).click();
  await page.getByText(/Giờ nhận bản tin \(23:00\) nằm trong giờ yên tĩnh/).first().waitFor();
  await page.getByLabel('Giờ nhận bản tin hằng ngày').selectOption('19');
  await page.getByRole('button', { name: 'Lưu cách nhận thông báo' }).click();
  await page.getByText('Đã lưu cách nhận thông báo.').waitFor();
  assert.ok(await page.getByRole('group', { name: 'Tin nhắn SMS' }).getByLabel('Mọi thông báo').isChecked());
  await page.context().close();
});

test('with JavaScript the device button appears, the service worker registers, and it shows a push message', async () => {
  const page = await newPage({ width: 360 });
  await page.context().grantPermissions(['notifications'], { origin: server.url });
  await login(page, server.url, '0912000301');
  await page.goto(`${server.url}/notifications/settings`);
  await page.getByRole('button', { name: 'Bật thông báo trên thiết bị này' }).waitFor();
  assert.ok(await fitsWidth(page));
  await noViolations(page, 'settings');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, `${server.url}/`);
  // The push service cannot be reached from here: the browser's DevTools protocol hands the service worker a message instead.
  const cdp = await page.context().newCDPSession(page);
  const registrationId = await new Promise<string>((resolve, reject) => {
    setTimeout(() => reject(new Error('no service worker registration reported')), 15_000).unref();
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
      const r = e.registrations.find((x) => x.scopeURL === `${server.url}/` && !x.isDeleted);
      if (r) resolve(r.registrationId);
    });
    void cdp.send('ServiceWorker.enable');
  });
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: JSON.stringify({ title: '[HỎA TỐC] Họp khẩn', body: 'Họp lúc 14 giờ.', url: '/notifications', tag: 'n1', urgent: true }) });
  const shown = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    // Polled for up to 30 s: on a loaded machine the worker may take a while to show it.
    for (let i = 0; i < 300; i++) {
      const list = await reg.getNotifications();
      if (list.length) return list.map((n) => ({ title: n.title, body: n.body, url: (n.data as { url: string }).url }));
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  });
  assert.deepEqual(shown, [{ title: '[HỎA TỐC] Họp khẩn', body: 'Họp lúc 14 giờ.', url: '/notifications' }]);
  // The form's messages, checked by axe too.
  await page.getByLabel('Giờ nhận bản tin hằng ngày').selectOption('23');
  await page.getByRole('button', { name: 'Lưu cách nhận thông báo' }).click();
  await page.getByText(/Giờ nhận bản tin \(23:00\) nằm trong giờ yên tĩnh/).first().waitFor();
  await noViolations(page, 'settings with errors');
  await page.context().close();
});

test("the sender follows a notice's delivery; the administrator sets the SMS budget", async () => {
  const commune = await unitByCode(server.database.db, 'TB-DT');
  const clerk = await accountByLogin(server.database.db, '0912000102');
  const id = await send({ urgency: 'khan', audience: { unitIds: [commune.id] }, title: 'Đảng ủy xã Đông Thọ: rà soát đảng viên', unitId: commune.id }, clerk.id);
  const [{ n }] = (await queryRows<{ n: number }>(server.database.db, sql`select recipients as n from notification_events where id = ${id}`)) as [{ n: number }];
  assert.ok(n > 10);
  const page = await newPage({ width: 1024 });
  await login(page, server.url, '0912000101');
  await page.goto(`${server.url}/notifications/sent`);
  await page.getByRole('heading', { name: 'Thông báo đã gửi', level: 1 }).waitFor();
  await noViolations(page, 'sent list');
  await page.getByRole('link', { name: 'Đảng ủy xã Đông Thọ: rà soát đảng viên' }).click();
  await page.getByRole('heading', { name: 'Tình trạng gửi thông báo' }).waitFor();
  assert.ok(await page.getByText(`${n} người nhận`).isVisible());
  await noViolations(page, 'delivery report');
  await page.getByLabel('Xem').selectOption('unread');
  await page.getByRole('button', { name: 'Xem' }).click();
  await page.waitForURL(/filter=unread/);
  await noViolations(page, 'delivery report, unread');
  await page.context().close();

  const admin = await newPage({ width: 360 });
  await login(admin, server.url, 'bantochuc');
  await admin.goto(`${server.url}/notifications/sms-budget/${commune.id}`);
  await noViolations(admin, 'SMS budget');
  await admin.getByLabel('Ngân sách mỗi tháng (đồng)').fill('nhiều');
  await admin.getByRole('button', { name: 'Lưu ngân sách' }).click();
  await admin.getByText('Hãy nhập số tiền bằng chữ số, ví dụ 500000.').first().waitFor();
  await noViolations(admin, 'SMS budget with an error');
  await admin.getByLabel('Ngân sách mỗi tháng (đồng)').fill('300000');
  await admin.getByRole('button', { name: 'Lưu ngân sách' }).click();
  await admin.getByText('Đã lưu ngân sách SMS của Đảng ủy xã Đông Thọ.').waitFor();
  assert.ok(await fitsWidth(admin));
  await admin.context().close();
});
