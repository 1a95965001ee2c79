// page-weight-home and page-weight-document: the bytes a member's phone downloads for the home
// page and for the reading view of a document, measured in Debian's chromium (playwright-core):
// every response the page loads (HTML, CSS, JavaScript, icons), as transferred — compressed, with
// headers — summed from the DevTools protocol's Network.loadingFinished. Cold: a fresh browser
// profile (nothing cached). Warm: the same page loaded again in that profile. Service workers are
// blocked, so both figures are the network's, not an offline cache's.
//
// The data: the demo organisation, on an embedded database of the scenario's own (the figure
// depends on the pages, not on the size of the province), logged in as a member of Chi bộ thôn
// Đông Thọ who has the province's Công điện waiting. The reference in the same run: the page's
// HTML alone as the server sends it uncompressed (`html_bytes`), and the 50 KB budget the pages
// aim under (`budget_bytes`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/core/config.ts';
import { migrateDatabase, openDatabase } from '../../src/core/db/client.ts';
import { createServer } from '../../src/server.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/demo.ts';
import type { BenchEnv } from '../lib/env.ts';
import type { ResultLine } from '../lib/stats.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const BUDGET = 50 * 1024;
const MEMBER = '0912000301';

type Load = { bytes: number; requests: number; types: Record<string, number> };

/** Loads `url` in `page` and sums what came over the wire for it. */
async function load(page: Page, url: string): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const typeOf = new Map<string, string>();
  const seen: Load = { bytes: 0, requests: 0, types: {} };
  cdp.on('Network.responseReceived', (e: { requestId: string; type: string }) => typeOf.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    const type = (typeOf.get(e.requestId) ?? 'Other').toLowerCase();
    seen.bytes += e.encodedDataLength;
    seen.requests += 1;
    seen.types[type] = (seen.types[type] ?? 0) + e.encodedDataLength;
  });
  await page.goto(url, { waitUntil: 'load' });
  // Anything the page starts after "load" (a deferred script's fetch) counts too.
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return seen;
}

async function login(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel(/Số điện thoại, số thẻ/).fill(MEMBER);
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
}

export async function pageWeight(env: BenchEnv): Promise<ResultLine[]> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's chromium: sudo apt-get install -y chromium fonts-noto-core (or set CHROMIUM_PATH).`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-bench-weight-'));
  const database = await openDatabase({ kind: 'pglite', dataDir: dir, purpose: 'bench' });
  let browser: Browser | undefined;
  const config = loadConfig({ SOTAY_DATA_DIR: dir, SOTAY_LOG_LEVEL: 'silent', SOTAY_WORKERS: 'false', SOTAY_SEED_DEMO: 'false' });
  await migrateDatabase(database);
  await seedDemo(database.db);
  const { app, jobs } = await createServer(config, { database, logger: false });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    const out: ResultLine[] = [];
    for (const [scenario, pathOf] of [
      ['page-weight-home', async () => '/'],
      [
        'page-weight-document',
        async (page: Page) => {
          // The first document waiting for the member, as the "Văn bản mới" list links it.
          await page.goto(`${base}/reading?filter=pending`);
          const href = await page.locator('ul.pubs a[href^="/reading/"]').first().getAttribute('href');
          if (!href) throw new Error('bench: the demo member has no document waiting');
          return href;
        },
      ],
    ] as const) {
      // Cold: a fresh profile, logged in (the login itself is not counted).
      // Service workers blocked: what a first visit costs, and the browser's HTTP cache alone on the second
      // (with the offline worker installed, a warm load can come from its cache and cost nothing).
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', isMobile: true, serviceWorkers: 'block' });
      const page = await context.newPage();
      await login(page, base);
      const target = await pathOf(page);
      // Leave the page so that the measured load is a navigation of its own, with an empty cache for its assets.
      await page.goto('about:blank');
      await context.clearCookies().catch(() => {});
      await login(page, base);
      await page.goto('about:blank');
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.clearBrowserCache');
      await cdp.detach();
      const cold = await load(page, `${base}${target}`);
      const warm = await load(page, `${base}${target}`);
      const html = await app.inject({ method: 'GET', url: target, headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } });
      await context.close();
      log(`${env.kind}: ${scenario} ${target}: cold ${cold.bytes} B in ${cold.requests} requests ${JSON.stringify(cold.types)}, warm ${warm.bytes} B`);
      out.push({
        scenario,
        db: env.kind,
        n: 1,
        path: target.replace(/\d+/g, ':id'),
        bytes: cold.bytes,
        requests: cold.requests,
        warm_bytes: warm.bytes,
        warm_requests: warm.requests,
        html_bytes: Buffer.byteLength(html.body),
        budget_bytes: BUDGET,
        under_budget: cold.bytes <= BUDGET,
      });
    }
    return out;
  } finally {
    await browser?.close();
    await jobs.stop();
    await app.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
