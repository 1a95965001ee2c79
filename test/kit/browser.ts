// Browser tests drive Debian's chromium through playwright-core. No browser is ever
// downloaded: without /usr/bin/chromium the tests fail and say how to install it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer } from '../../src/server.ts';
import { testConfig } from './app.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's chromium: sudo apt-get install -y chromium fonts-noto-core (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export type LiveServer = { url: string; database: TestDatabase; close: () => Promise<void> };

/** The real server on a free port, over a fresh copy of the demo database. */
export async function liveServer(): Promise<LiveServer> {
  const database = await testDatabase({ demo: true });
  const { app, jobs } = await createServer(testConfig(), { database, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    database,
    close: async () => {
      await jobs.stop();
      await app.close();
      await database.close();
    },
  };
}

export async function login(page: Page, base: string, identifier: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel(/Số điện thoại, số thẻ/).fill(identifier);
  await page.getByLabel('Mật khẩu').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page and returns the violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

export function describeViolations(v: AxeViolation[]): string {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}

/**
 * "This page is accessible and fits the phone": axe-core finds no violation, and nothing scrolls
 * sideways at the page's width. The check every feature's browser test runs on its pages.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const v = await axe(page);
  if (v.length) throw new Error(`${name}: axe-core found ${v.length} violation(s):\n${describeViolations(v)}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) throw new Error(`${name} overflows a ${page.viewportSize()?.width}px screen by ${overflow}px`);
}
