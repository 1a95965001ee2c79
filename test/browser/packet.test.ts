// The print packet in a real browser: the secretary of Chi bộ thôn Đông Thọ, on a 360-pixel phone,
// opens the packet page from the meeting page, sees what is preselected, gets the form's message
// when nothing is chosen, and downloads the PDF — with JavaScript and without it. The downloaded
// file is a PDF whose text layer holds the sign-off sheet's Vietnamese headings. axe-core finds no
// violations on any of these pages and nothing scrolls sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as mupdf from 'mupdf';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, launchBrowser, liveServer, login, type LiveServer } from '../kit/browser.ts';
import { unitByCode } from '../kit/demo.ts';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { todayIso } from '../../src/core/i18n/i18n.ts';
import { createMeeting } from '../../src/meetings/meetings.ts';
import type { Meeting } from '../../src/meetings/schema.ts';

let browser: Browser;
let server: LiveServer;
let meeting: Meeting;
before(async () => {
  browser = await launchBrowser();
  server = await liveServer();
  const cell = await unitByCode(server.database.db, 'TB-DT-1');
  const d = new Date(`${todayIso()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 2);
  meeting = await server.database.db.transaction((tx) =>
    createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date: d.toISOString().slice(0, 10), time: '19:30', durationMinutes: 90, location: 'Nhà văn hóa thôn Đông Thọ', onlineUrl: null, topic: null, title: null }),
  );
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const PHONE = { viewport: { width: 360, height: 740 }, locale: 'vi-VN' };

async function phone(opts: { javaScriptEnabled?: boolean; storageState?: Awaited<ReturnType<BrowserContext['storageState']>> } = {}): Promise<Page> {
  const context = await browser.newContext({ ...PHONE, acceptDownloads: true, ...opts });
  context.setDefaultTimeout(30_000);
  return context.newPage();
}

const check = expectAccessible;

/** The text layer of a downloaded PDF (mupdf), and its page count. */
function pdfText(file: string): { pages: number; text: string } {
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const doc = mupdf.Document.openDocument(new Uint8Array(bytes), 'application/pdf');
  const out: string[] = [];
  for (let i = 0; i < doc.countPages(); i++) out.push(doc.loadPage(i).toStructuredText('preserve-whitespace').asText());
  return { pages: doc.countPages(), text: out.join('\n').normalize('NFC').replace(/\s+/g, ' ') };
}

test('the secretary opens the packet page from the meeting page and downloads the PDF', async () => {
  const sec = await phone();
  await login(sec, server.url, '0912000201');
  await sec.goto(`${server.url}/meetings/${meeting.id}`);
  await sec.getByRole('heading', { name: meeting.title, level: 1 }).waitFor();
  await check(sec, 'the meeting page with the packet link');
  await sec.getByRole('link', { name: 'In tài liệu sinh hoạt (PDF)' }).click();
  await sec.getByRole('heading', { name: 'In tài liệu sinh hoạt', level: 1 }).waitFor();
  await check(sec, 'the packet page');
  // Preselected: what the cell has received and not everyone has read (the demo's Công điện and announcement).
  const boxes = sec.locator('input[name="items"]');
  assert.ok((await boxes.count()) >= 2, 'documents are offered');
  const cd = sec.getByRole('checkbox', { name: /Về tăng cường các biện pháp cấp bách/ });
  assert.equal(await cd.isChecked(), true);

  // Nothing chosen: the page comes back with the message, and stays accessible.
  for (const box of await boxes.all()) await box.uncheck();
  await sec.getByRole('button', { name: 'Tải tệp PDF' }).click();
  await sec.getByText('Hãy chọn ít nhất một văn bản.').first().waitFor();
  await check(sec, 'the packet page with an error');

  await cd.check();
  const [download] = await Promise.all([sec.waitForEvent('download'), sec.getByRole('button', { name: 'Tải tệp PDF' }).click()]);
  assert.match(download.suggestedFilename(), /^Tài liệu sinh hoạt - Chi bộ thôn Đông Thọ - \d{2}-\d{2}-\d{4}\.pdf$/);
  const { pages, text } = pdfText((await download.path())!);
  assert.ok(pages >= 3, `${pages} pages`);
  for (const s of ['TÀI LIỆU SINH HOẠT CHI BỘ', 'Về tăng cường các biện pháp cấp bách', 'Đã được phổ biến', 'Họ và tên', 'Ký tên', 'Nhà văn hóa thôn Đông Thọ']) assert.ok(text.includes(s), `the PDF holds "${s}"`);
  await sec.context().close();
});

test('without JavaScript the form still downloads the PDF', async () => {
  const sec = await phone({ javaScriptEnabled: false });
  await login(sec, server.url, '0912000201');
  const cell = await unitByCode(server.database.db, 'TB-DT-1');
  await sec.goto(`${server.url}/units/${cell.id}/packet?meeting=${meeting.id}`);
  await sec.getByRole('heading', { name: 'In tài liệu sinh hoạt', level: 1 }).waitFor();
  const [download] = await Promise.all([sec.waitForEvent('download'), sec.getByRole('button', { name: 'Tải tệp PDF' }).click()]);
  const { text } = pdfText((await download.path())!);
  assert.ok(text.includes('Đã được phổ biến'), 'the sign-off sheet is in the PDF');
  // axe needs JavaScript: the same page, same session, in a context that has it.
  const same = await phone({ storageState: await sec.context().storageState() });
  await same.goto(sec.url());
  await same.getByRole('heading', { name: 'In tài liệu sinh hoạt', level: 1 }).waitFor();
  await check(same, 'the packet page, same session');
  await same.context().close();
  await sec.context().close();
});
