// Offline reading in a real browser with a real service worker, made honest by really stopping
// the server (the browser's offline switch does not stop a service worker's own fetches, so a test
// using it can pass falsely): a member opens the home page and "Văn bản của tôi" online; the
// server is stopped — the listening socket closed, the database kept; the member opens an unread
// document from the phone's copy and presses "Tôi đã đọc" (and studies another, with a written
// reflection), which is queued; a page never visited
// shows the offline page (axe-clean, 360 px); the server starts again on the same port over the
// same database, the queue replays, and the database holds exactly one confirmation — also when
// the replay is sent a second time with the same key. Logging out deletes the kept pages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axe, describeViolations, launchBrowser, login } from '../kit/browser.ts';
import { finishStartup, testConfig } from '../kit/app.ts';
import { testDatabase, type TestDatabase } from '../kit/db.ts';
import { accountByLogin, personByPhone, unitByCode } from '../kit/demo.ts';
import { createServer } from '../../src/server.ts';
import { queryRows } from '../../src/core/db/client.ts';
import { loadActor } from '../../src/core/auth/actor.ts';
import { publish } from '../../src/distribution/publications.ts';

/** The real server over one database, stopped and started again on the same port. */
type StoppableServer = { url: string; database: TestDatabase; stop: () => Promise<void>; start: () => Promise<void>; close: () => Promise<void> };

async function stoppableServer(): Promise<StoppableServer> {
  const database = await testDatabase({ demo: true });
  let running: Awaited<ReturnType<typeof createServer>> | null = null;
  let port = 0;
  const start = async () => {
    const s = await createServer(testConfig(), { database, logger: false });
    await s.app.listen({ port, host: '127.0.0.1' });
    await finishStartup(s.jobs);
    port = (s.app.server.address() as AddressInfo).port;
    running = s;
  };
  const stop = async () => {
    if (!running) return;
    const s = running;
    running = null;
    await s.jobs.stop();
    // Closes the listening socket and every connection the browser keeps open; the database stays.
    s.app.server.closeAllConnections();
    await s.app.close();
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    start,
    stop,
    close: async () => {
      await stop();
      await database.close();
    },
  };
}

let browser: Browser;
let server: StoppableServer;
before(async () => {
  browser = await launchBrowser();
  server = await stoppableServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function check(page: Page, name: string) {
  const v = await axe(page);
  assert.equal(v.length, 0, `${name}:\n${describeViolations(v)}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name} overflows a ${page.viewportSize()?.width}px screen by ${overflow}px`);
  if (process.env.SOTAY_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.SOTAY_SCREENSHOTS, `offline-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
}

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'allow', viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Whether the server really refuses connections (it is stopped, not just pretending). */
async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`);
    return true;
  } catch {
    return false;
  }
}

type QueueEntry = { key: string; user: string; url: string; page: string; body: object; csrf: string };
const queue = (page: Page) => page.evaluate(() => (self as unknown as { sotayQueue: { all: () => Promise<QueueEntry[]> } }).sotayQueue.all());
const keptUrls = (page: Page) =>
  page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith('sotay-pages-')) continue;
      for (const r of await (await caches.open(name)).keys()) out.push(new URL(r.url).pathname + new URL(r.url).search);
    }
    return out;
  });

let pubId = 0;
let neverOpened = 0;

test('a member reads and confirms with the server stopped; the queue replays once it is back, exactly once', async () => {
  const db = server.database.db;
  // The commune sends two documents to the member's cell; the member opens neither online.
  const account = await accountByLogin(db, '0912000101');
  const actor = (await loadActor(db, account.id))!;
  const commune = await unitByCode(db, 'TB-DT');
  const cell = await unitByCode(db, 'TB-DT-1');
  const send = async (title: string, extra: { requirement?: 'read' | 'study'; reflection?: boolean } = {}) =>
    (
      await publish(
        db,
        { accountId: account.id },
        actor,
        { unitId: commune.id, documentId: null, announcement: { title, body: 'Đề nghị các đồng chí đảng viên đọc và thực hiện nghiêm.\n\n1. Đeo khẩu trang nơi công cộng.\n\n2. Khai báo y tế khi đi về từ vùng dịch.' }, audienceUnitIds: [cell.id], audienceRole: 'all', requirement: extra.requirement ?? 'read', reflection: extra.reflection ?? false, dueOn: null, excludeExempt: false },
        { notify: false },
      )
    ).publication.id;
  pubId = await send('Về việc thực hiện 5K tại thôn Đông Thọ');
  neverOpened = await send('Về lịch tiêm vắc-xin đợt 2');
  const toStudy = await send('Về học tập chuyên đề năm 2021', { requirement: 'study', reflection: true });
  const reflection = 'Tôi sẽ vận động gia đình và hàng xóm thực hiện nghiêm 5K, tiêm vắc-xin đầy đủ.';
  const me = await personByPhone(db, '0912000301');
  const meAccount = await accountByLogin(db, '0912000301');
  const reads = async () => Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from publication_reads where publication_id = ${pubId} and person_id = ${me.id}`))[0]!.n);
  const audits = async () => Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where action = 'publication.confirm' and entity_id = ${String(pubId)} and actor_account_id = ${meAccount.id}`))[0]!.n);

  const context = await newContext();
  const page = await context.newPage();
  await login(page, server.url, '0912000301');
  // Online: the home page and "Văn bản của tôi" ask the service worker to keep the member's documents.
  await page.goto(`${server.url}/`);
  await page.locator('html[data-offline="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('link', { name: /Văn bản mới/ }).click();
  await page.getByRole('heading', { name: 'Văn bản của tôi' }).waitFor();
  await page.locator('html[data-offline="ready"]').waitFor({ state: 'attached' });
  const kept = await keptUrls(page);
  for (const u of ['/', '/reading', `/reading/${pubId}`, `/reading/${neverOpened}`]) assert.ok(kept.includes(u), `${u} kept (${kept.join(', ')})`);
  // Kept ahead of time, not opened: nothing was confirmed or seen.
  assert.equal(await reads(), 0);

  // The server stops: its socket is closed, its database kept.
  await server.stop();
  assert.equal(await reachable(server.url), false, 'the server really is unreachable');

  // The unread document opens from the phone's copy, and "Tôi đã đọc" is queued.
  const res = await page.goto(`${server.url}/reading/${pubId}`);
  assert.ok(res?.fromServiceWorker(), 'served by the service worker');
  await page.getByRole('heading', { name: 'Về việc thực hiện 5K tại thôn Đông Thọ', level: 1 }).waitFor();
  await page.getByText('Khai báo y tế khi đi về từ vùng dịch.').waitFor();
  await page.getByRole('button', { name: 'Tôi đã đọc' }).click();
  await page.getByText('Đã lưu, sẽ gửi khi có mạng.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Tôi đã đọc' }).isVisible(), false, 'the button is not offered twice');
  await check(page, 'reading view with a queued confirmation');
  const [entry, ...more] = await queue(page);
  assert.equal(more.length, 0);
  assert.equal(entry!.url, `/api/v1/publications/${pubId}/read`);
  assert.match(entry!.key, /^q-[0-9a-f-]{36}$/);
  assert.equal(await reads(), 0, 'nothing reached the database while the server was down');
  // Opening it again offline still says it waits.
  await page.goto(`${server.url}/reading/${pubId}`);
  await page.getByText('Đã lưu, sẽ gửi khi có mạng.').waitFor();
  // "Tôi đã nghiên cứu" with its reflection is kept the same way.
  await page.goto(`${server.url}/reading/${toStudy}`);
  await page.getByLabel('Bài thu hoạch').fill(reflection);
  await page.getByRole('button', { name: 'Tôi đã nghiên cứu' }).click();
  await page.getByText('Đã lưu, sẽ gửi khi có mạng.').waitFor();
  assert.equal((await queue(page)).length, 2);

  // The other unread document, kept but never opened, reads offline too; the home page as well.
  await page.goto(`${server.url}/reading/${neverOpened}`);
  await page.getByRole('heading', { name: 'Về lịch tiêm vắc-xin đợt 2', level: 1 }).waitFor();
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: /Văn bản mới/ }).waitFor();

  // A page never visited: the offline page, in Vietnamese, accessible, on a 360-px phone.
  for (const url of ['/account', '/reading?filter=all']) {
    const r = await page.goto(`${server.url}${url}`);
    assert.ok(r?.fromServiceWorker(), url);
    await page.getByRole('heading', { name: 'Không có kết nối mạng', level: 1 }).waitFor();
  }
  await check(page, 'offline page');

  // The server starts again on the same port, over the same database.
  await server.start();
  assert.equal(await reachable(server.url), true);
  // The next page replays the queue; a second tab opening at the same moment replays it too.
  const second = await context.newPage();
  await Promise.all([page.goto(`${server.url}/reading/${pubId}`), second.goto(`${server.url}/`)]);
  await page.getByText(/Đồng chí đã xác nhận đọc lúc/).waitFor();
  await second.locator('html[data-queue="empty"]').waitFor({ state: 'attached' });
  await page.locator('html[data-queue="empty"]').waitFor({ state: 'attached' });
  assert.deepEqual(await queue(page), []);
  assert.equal(await reads(), 1);
  assert.equal(await audits(), 1);
  const [studied] = await queryRows<{ studied: boolean; reflection: string }>(db, sql`select studied_at is not null as studied, reflection from publication_reads where publication_id = ${toStudy} and person_id = ${me.id}`);
  assert.deepEqual(studied, { studied: true, reflection });

  // The same entry replayed once more (a lost answer, a tab that had read the queue before):
  // the server gives its first answer back and records nothing.
  await page.evaluate((e) => (self as unknown as { sotayQueue: { put: (x: unknown) => Promise<unknown> } }).sotayQueue.put(e), entry);
  const [replayed] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/publications/${pubId}/read`) && r.request().method() === 'POST'),
    page.evaluate(() => window.dispatchEvent(new Event('online'))),
  ]);
  assert.equal(replayed.status(), 200);
  assert.equal(await replayed.headerValue('idempotent-replayed'), 'true');
  assert.equal(await replayed.request().headerValue('idempotency-key'), entry!.key);
  await page.getByText(/Đồng chí đã xác nhận đọc lúc/).waitFor();
  await page.locator('html[data-queue="empty"]').waitFor({ state: 'attached' });
  assert.deepEqual(await queue(page), []);
  assert.equal(await reads(), 1, 'exactly one read confirmation');
  assert.equal(await audits(), 1, 'exactly one audit entry');
  const [row] = await queryRows<{ recordedBy: number | null }>(db, sql`select read_recorded_by as "recordedBy" from publication_reads where publication_id = ${pubId} and person_id = ${me.id}`);
  assert.equal(row!.recordedBy, null, 'confirmed by the member, not on their behalf');
  await context.close();
});

test('logging out deletes the kept pages: offline, the next person finds only the offline page', async () => {
  assert.ok(pubId && neverOpened, 'set by the previous test');
  const context = await newContext();
  const page = await context.newPage();
  await login(page, server.url, '0912000301');
  await page.goto(`${server.url}/reading`);
  await page.locator('html[data-offline="ready"]').waitFor({ state: 'attached' });
  assert.ok((await keptUrls(page)).includes(`/reading/${neverOpened}`));
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  // The worker deletes them when told by the page, and when the login page (nobody's) arrives.
  await page.waitForFunction(async () => !(await caches.keys()).some((k) => k.startsWith('sotay-pages-')));
  await server.stop();
  try {
    await page.goto(`${server.url}/reading/${neverOpened}`);
    await page.getByRole('heading', { name: 'Không có kết nối mạng', level: 1 }).waitFor();
    assert.equal(await page.getByText('Về lịch tiêm vắc-xin đợt 2').count(), 0);
  } finally {
    await server.start();
  }
  await context.close();
});
