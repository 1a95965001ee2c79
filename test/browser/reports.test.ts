// The daily COVID-19 report in a real browser, with the feature's clock fixed to today (the
// server runs in this process): the three demo communes submit — two before 15:00, one late —
// and the province sees the totals and the late unit. axe-core finds no violations on the
// submission form (with and without errors) and the roll-up page; a 360-pixel phone reads them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { axe, describeViolations, launchBrowser, liveServer, login, type LiveServer } from '../kit/browser.ts';
import { setClock } from '../../src/tasks/clock.ts';
import { localDate } from '../../src/tasks/deadline.ts';

let browser: Browser;
let server: LiveServer;
const today = localDate(new Date());
const at = (hhmm: string) => new Date(`${today}T${hhmm}:00+07:00`);
const [y, mo, d] = today.split('-');
const todayVn = `${d}/${mo}/${y}`;

before(async () => {
  browser = await launchBrowser();
  server = await liveServer();
});
after(async () => {
  setClock(null);
  await browser?.close();
  await server?.close();
});

async function newPage(width = 390): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 }, locale: 'vi-VN' });
  return context.newPage();
}
async function noViolations(page: Page, name: string) {
  const v = await axe(page);
  assert.equal(v.length, 0, `${name}:\n${describeViolations(v)}`);
}
async function noSidewaysScroll(page: Page, name: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name} overflows by ${overflow}px`);
}

async function submit(login_: string, hhmm: string, f: Record<string, string>, opts: { check?: boolean } = {}) {
  setClock(at(hhmm));
  const page = await newPage(360);
  await login(page, server.url, login_);
  await page.getByRole('link', { name: /Báo cáo định kỳ/ }).first().click();
  await page.getByRole('link', { name: 'Báo cáo tình hình dịch Covid-19 hằng ngày' }).first().click();
  await page.getByRole('heading', { name: `Ngày ${todayVn}` }).waitFor();
  if (opts.check) {
    await noViolations(page, 'the submission form');
    await noSidewaysScroll(page, 'the submission form');
  }
  for (const [label, value] of Object.entries(f)) await page.getByLabel(label).fill(value);
  return page;
}

const figures = (o: Record<string, string> = {}) => ({
  'Đang cách ly tập trung (người)': '12',
  'Đang cách ly tại nhà (người)': '30',
  'F1 đang theo dõi (người)': '3',
  'F2 đang theo dõi (người)': '3',
  'Mẫu xét nghiệm trong 24 giờ (mẫu)': '300',
  'Âm tính (mẫu)': '296',
  'Dương tính (mẫu)': '0',
  'Đang chờ kết quả (mẫu)': '4',
  'Mũi vắc xin tiêm trong ngày (mũi)': '1.250',
  ...o,
});

test('the three communes report before 15:00, one late; the province sees the totals and the late unit', async () => {
  // Đông Thọ at 10:30: a negative number first, then the right one.
  const dongTho = await submit('0912000102', '10:30', figures({ 'Dương tính (mẫu)': '-1' }), { check: true });
  await dongTho.getByRole('button', { name: 'Nộp báo cáo' }).click();
  await dongTho.getByText('Số này không được âm.').first().waitFor();
  await noViolations(dongTho, 'the submission form with an error');
  await dongTho.getByLabel('Dương tính (mẫu)').fill('0');
  await dongTho.getByRole('button', { name: 'Nộp báo cáo' }).click();
  await dongTho.getByText(/Đã nộp báo cáo lúc .* 10:30\./).waitFor();
  assert.ok(await dongTho.getByText('Đúng hạn').isVisible());
  // Phú Khánh at 14:20.
  const phuKhanh = await submit('0912000112', '14:20', figures({ 'Mẫu xét nghiệm trong 24 giờ (mẫu)': '450', 'Âm tính (mẫu)': '450', 'Đang chờ kết quả (mẫu)': '0', 'Mũi vắc xin tiêm trong ngày (mũi)': '2.040' }));
  await phuKhanh.getByRole('button', { name: 'Nộp báo cáo' }).click();
  await phuKhanh.getByText(/Đã nộp báo cáo lúc/).waitFor();
  // Vũ Phúc at 15:35: late.
  const vuPhuc = await submit('0912000122', '15:35', figures({ 'Mẫu xét nghiệm trong 24 giờ (mẫu)': '191', 'Âm tính (mẫu)': '191', 'Đang chờ kết quả (mẫu)': '0', 'Mũi vắc xin tiêm trong ngày (mũi)': '310' }));
  await vuPhuc.getByRole('button', { name: 'Nộp báo cáo' }).click();
  await vuPhuc.getByText(/Đã nộp báo cáo lúc .* \(muộn hạn\)\./).waitFor();
  assert.ok(await vuPhuc.getByText('Nộp muộn').isVisible());

  // The province office at 16:00.
  setClock(at('16:00'));
  const province = await newPage(1024);
  await login(province, server.url, 'vanthu.tinhuy');
  await province.goto(`${server.url}/reports`);
  await province.getByRole('link', { name: 'Báo cáo tình hình dịch Covid-19 hằng ngày' }).first().click();
  await province.getByRole('heading', { name: `Ngày ${todayVn}` }).waitFor();
  const main = await province.locator('main').innerText();
  assert.match(main, /3\/3 đơn vị đã nộp/);
  const totals = province.locator('table.rollup').first();
  assert.match(await totals.getByRole('row', { name: /Mẫu xét nghiệm trong 24 giờ/ }).innerText(), /941/);
  assert.match(await totals.getByRole('row', { name: /Mũi vắc xin tiêm trong ngày/ }).innerText(), /3\.600/);
  const late = province.locator('section', { has: province.getByRole('heading', { name: 'Đơn vị nộp muộn' }) });
  assert.match(await late.innerText(), /Đảng ủy xã Vũ Phúc/);
  assert.doesNotMatch(await late.innerText(), /Đông Thọ|Phú Khánh/);
  assert.ok(await province.locator('svg[role="img"]').isVisible(), 'the trend chart');
  await noViolations(province, 'the roll-up');
  const phone = await newPage(360);
  await login(phone, server.url, 'vanthu.tinhuy');
  await phone.goto(province.url());
  await noSidewaysScroll(phone, 'the roll-up on a phone');
  await noViolations(phone, 'the roll-up on a phone');
  for (const p of [dongTho, phuKhanh, vuPhuc, province, phone]) await p.context().close();
});
