// The core in a real browser: a member, a secretary and an administrator log in and see
// what each may see; axe-core finds no violations; reading works without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { axe, describeViolations, launchBrowser, liveServer, login, type LiveServer } from '../kit/browser.ts';
import { unitByCode } from '../kit/demo.ts';

let browser: Browser;
let server: LiveServer;
before(async () => {
  browser = await launchBrowser();
  server = await liveServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function newPage(opts: { javaScriptEnabled?: boolean; width?: number } = {}) {
  const context = await browser.newContext({ bypassCSP: true, javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: { width: opts.width ?? 390, height: 800 }, locale: 'vi-VN' });
  return context.newPage();
}

test('a member logs in, reads their cell, and cannot open another cell or the administration', async () => {
  const page = await newPage();
  await login(page, server.url, '0912000301');
  await page.getByRole('link', { name: 'Chi bộ của tôi' }).first().click();
  await page.getByRole('heading', { name: 'Chi bộ thôn Đông Thọ' }).waitFor();
  assert.ok(await page.getByText('Nguyễn Văn Thọ').isVisible());
  assert.equal(await page.getByRole('link', { name: 'Quản trị' }).count(), 0);
  const other = await unitByCode(server.database.db, 'TB-PK-1');
  const res = await page.goto(`${server.url}/units/${other.id}`);
  assert.equal(res!.status(), 403);
  assert.ok(await page.getByRole('heading', { name: 'Không có quyền' }).isVisible());
  assert.equal((await page.goto(`${server.url}/admin`))!.status(), 403);
  await page.context().close();
});

test('a cell secretary manages their own cell only', async () => {
  const page = await newPage();
  await login(page, server.url, '0912000201');
  await page.getByRole('link', { name: 'Quản trị' }).first().click();
  await page.getByRole('link', { name: 'Đảng viên' }).first().click();
  await page.getByRole('heading', { name: /Đảng viên: Chi bộ thôn Đông Thọ/ }).waitFor();
  await page.getByRole('link', { name: 'Nguyễn Văn Thọ' }).click();
  await page.getByRole('heading', { name: 'Hồ sơ đảng viên' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Đặt lại mật khẩu' }).isVisible());
  const other = await unitByCode(server.database.db, 'TB-DT-2');
  assert.equal((await page.goto(`${server.url}/admin/people?unit=${other.id}`))!.status(), 403);
  await page.context().close();
});

test('an administrator sees the whole organisation and the audit log', async () => {
  const page = await newPage({ width: 1024 });
  await login(page, server.url, 'admin');
  await page.goto(`${server.url}/admin`);
  assert.ok(await page.getByText('Tỉnh ủy Thái Bình').first().isVisible());
  assert.ok(await page.getByText('UBND tỉnh Thái Bình').first().isVisible());
  await page.getByRole('link', { name: 'Nhật ký thao tác' }).last().click();
  await page.getByRole('heading', { name: 'Nhật ký thao tác' }).waitFor();
  assert.ok((await page.locator('tbody tr').count()) > 0);
  await page.context().close();
});

test('axe-core finds no violations on the login, home and administration pages', async () => {
  const page = await newPage();
  // The checker itself works: a page with known faults is reported.
  await page.setContent('<html><body><img src="x.png"><input type="text"></body></html>');
  const faults = (await axe(page)).map((x) => x.id);
  assert.ok(faults.includes('image-alt') && faults.includes('label'), `axe reported ${faults.join(', ')}`);
  await page.goto(`${server.url}/login`);
  const pages: [string, string][] = [['login', `${server.url}/login`]];
  let v = await axe(page);
  assert.equal(v.length, 0, `login:\n${describeViolations(v)}`);
  await login(page, server.url, 'bantochuc');
  const cell = await unitByCode(server.database.db, 'TB-DT-1');
  const province = await unitByCode(server.database.db, 'TB');
  pages.push(['home', `${server.url}/`], ['admin', `${server.url}/admin`], ['unit admin', `${server.url}/admin/units/${province.id}`], ['cell page', `${server.url}/units/${cell.id}`], ['members', `${server.url}/admin/people?unit=${cell.id}`], ['account', `${server.url}/account`]);
  await page.goto(`${server.url}/admin/people?unit=${cell.id}`);
  const firstRecord = await page.locator('tbody a').first().getAttribute('href');
  pages.push(['member record', `${server.url}${firstRecord}`], ['new member', `${server.url}/admin/people/new?unit=${cell.id}`], ['audit', `${server.url}/admin/units/${province.id}/audit`]);
  for (const [name, url] of pages.slice(1)) {
    await page.goto(url);
    v = await axe(page);
    assert.equal(v.length, 0, `${name}:\n${describeViolations(v)}`);
  }
  // Also with the largest text and high contrast.
  await page.goto(`${server.url}/`);
  await page.getByRole('button', { name: 'Rất lớn' }).click();
  await page.getByRole('button', { name: 'Bật tương phản cao' }).click();
  v = await axe(page);
  assert.equal(v.length, 0, `home, large text:\n${describeViolations(v)}`);
  await page.context().close();
});

test('the text size is remembered, and a 360-pixel phone needs no sideways scrolling', async () => {
  const page = await newPage({ width: 360 });
  await login(page, server.url, '0912000301');
  await page.getByRole('button', { name: 'Rất lớn' }).click();
  await page.reload();
  assert.match((await page.locator('html').getAttribute('class')) ?? '', /ts-3/);
  const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.ok(fontSize >= 24, `root font size ${fontSize}px`);
  const cell = await unitByCode(server.database.db, 'TB-DT-1');
  for (const url of [`${server.url}/`, `${server.url}/units/${cell.id}`]) {
    await page.goto(url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${url} overflows by ${overflow}px at 360px`);
  }
  await page.context().close();
});

test('reading works without JavaScript: log in and open the cell page', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await login(page, server.url, '0912000301');
  const cell = await unitByCode(server.database.db, 'TB-DT-1');
  await page.goto(`${server.url}/units/${cell.id}`);
  assert.ok(await page.getByRole('heading', { name: 'Chi bộ thôn Đông Thọ' }).isVisible());
  await page.getByRole('button', { name: 'English' }).click();
  assert.ok(await page.getByRole('link', { name: 'My cell' }).first().isVisible());
  await page.context().close();
});
