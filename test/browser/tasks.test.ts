// Tasks in a real browser, with the feature's clock fixed (the server runs in this process):
// the province office turns seed 001's Công điện into tasks for the units it names — Ban Tuyên
// giáo, Sở Thông tin và Truyền thông (a state body), Ban Dân vận, Mặt trận Tổ quốc — the state
// body reports progress, Ban Dân vận goes overdue, and the board shows it all. axe-core finds
// no violations on the drafts, the board and the task page; a 360-pixel phone reads them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { axe, describeViolations, launchBrowser, liveServer, login, type LiveServer } from '../kit/browser.ts';
import { accountByLogin, unitByCode, unitByName } from '../kit/demo.ts';
import { documents } from '../../src/documents/schema.ts';
import { setClock } from '../../src/tasks/clock.ts';
import { createTasks } from '../../src/tasks/tasks.ts';

let browser: Browser;
let server: LiveServer;
let docId: number;
const vn = (s: string) => new Date(`${s}+07:00`);

before(async () => {
  browser = await launchBrowser();
  server = await liveServer();
  const province = await unitByCode(server.database.db, 'TB');
  const [doc] = await server.database.db.select({ id: documents.id }).from(documents).where(and(eq(documents.unitId, province.id), eq(documents.direction, 'outgoing'), eq(documents.kind, 'cong_dien')));
  docId = doc!.id;
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

test('seed 001 becomes tasks for the units it names; the state body reports; Ban Dân vận goes overdue; the board shows it', async () => {
  setClock(vn('2021-08-27T09:00:00'));
  // The province office, from the document's page.
  const clerk = await newPage(1280);
  await login(clerk, server.url, 'vanthu.tinhuy');
  await clerk.goto(`${server.url}/documents/${docId}`);
  await clerk.getByRole('link', { name: 'Giao nhiệm vụ từ văn bản này' }).click();
  await clerk.getByRole('heading', { name: 'Giao nhiệm vụ từ văn bản' }).waitFor();
  const legends = await clerk.locator('fieldset.draft > legend').allTextContents();
  assert.deepEqual(legends, ['Mục 4 — Ban Tuyên giáo Tỉnh ủy', 'Mục 4 — Sở Thông và Truyền thông', 'Mục 5 — Ban Dân vận Tỉnh ủy', 'Mục 5 — Mặt trận Tổ quốc tỉnh']);
  // The misprinted "Sở Thông và Truyền thông" was matched to the state body.
  assert.equal(await clerk.locator('#f-s1_leadUnitId option:checked').textContent().then((t) => t?.trim()), 'Sở Thông tin và Truyền thông');
  await noViolations(clerk, 'drafts from the directive');
  const set = async (i: number, kind: string, date?: string, time?: string) => {
    await clerk.locator(`#f-s${i}_deadlineKind`).selectOption(kind);
    if (date) await clerk.locator(`#f-s${i}_dueDate`).fill(date);
    if (time) await clerk.locator(`#f-s${i}_dueTime`).fill(time);
  };
  await set(0, 'date', '15/09/2021');
  await set(1, 'daily', '', '15:00');
  await set(2, 'date', '20/08/2021'); // already past: refused
  await set(3, 'date', '30/09/2021');
  await clerk.getByRole('button', { name: 'Giao nhiệm vụ' }).click();
  await clerk.getByText('Thời hạn này đã qua: hãy chọn một thời điểm sắp tới.').first().waitFor();
  await noViolations(clerk, 'drafts with an error');
  await clerk.locator('#f-s2_dueDate').fill('31/08/2021');
  await clerk.getByRole('button', { name: 'Giao nhiệm vụ' }).click();
  await clerk.getByText('Đã giao 4 nhiệm vụ.').waitFor();
  await clerk.getByRole('heading', { name: 'Bảng theo dõi thực hiện' }).waitFor();
  await noViolations(clerk, 'the board, just assigned');

  // The state body's office reports progress from its phone.
  setClock(vn('2021-08-27T14:00:00'));
  const stttt = await newPage(360);
  await login(stttt, server.url, 'vanthu.stttt');
  await stttt.getByRole('link', { name: /Nhiệm vụ/ }).first().click();
  await stttt.getByRole('link', { name: /Ban Tuyên giáo Tỉnh ủy, Sở Thông và Truyền thông chỉ đạo/ }).click();
  await stttt.getByRole('heading', { name: 'Gửi báo cáo tiến độ' }).waitFor();
  await noViolations(stttt, 'the task page, to report');
  await noSidewaysScroll(stttt, 'the task page');
  await stttt.getByLabel('Kết quả thực hiện').fill('Đã chỉ đạo Đài Phát thanh và Truyền hình tỉnh, Báo Thái Bình tăng thời lượng bản tin phòng, chống dịch.');
  await stttt.getByLabel('Số liệu (không bắt buộc)').fill('Số tin, bài: 42 tin\nSố giờ phát sóng: 12,5 giờ');
  await stttt.getByLabel('Tiến độ chung (%)').fill('40');
  await stttt.getByLabel('Tệp kèm theo (không bắt buộc)').setInputFiles({ name: 'bao-cao-tien-do.txt', mimeType: 'text/plain', buffer: Buffer.from('Báo cáo chi tiết') });
  await stttt.getByRole('button', { name: 'Gửi báo cáo' }).click();
  await stttt.getByText('Đã gửi báo cáo tiến độ.').waitFor();
  assert.ok(await stttt.getByText('Chờ đơn vị giao xem xét').isVisible());
  assert.ok(await stttt.getByText('12,5').isVisible());
  await noViolations(stttt, 'the task page with a report');

  // Five days later: Ban Dân vận has let 31 August pass.
  setClock(vn('2021-09-01T08:00:00'));
  await clerk.goto(`${server.url}/tasks/documents/${docId}`);
  await clerk.getByRole('heading', { name: 'Bảng theo dõi thực hiện' }).waitFor();
  const item5 = clerk.locator('section.board-item', { has: clerk.getByRole('heading', { name: /^Mục 5/ }) });
  const danVan = item5.getByRole('row', { name: /Ban Dân vận Tỉnh ủy/ });
  assert.match(await danVan.innerText(), /Quá hạn/);
  const item4 = clerk.locator('section.board-item', { has: clerk.getByRole('heading', { name: /^Mục 4/ }) });
  assert.match(await item4.getByRole('row', { name: /Sở Thông tin và Truyền thông/ }).innerText(), /tăng thời lượng bản tin/);
  assert.match(await clerk.locator('main').innerText(), /4 nhiệm vụ: 0 hoàn thành, 2 quá hạn\./);
  await noViolations(clerk, 'the board with overdue units');
  // The assigner accepts the report from the task page.
  await item4.getByRole('link', { name: 'Sở Thông tin và Truyền thông' }).click();
  await clerk.getByRole('button', { name: 'Chấp nhận' }).click();
  await clerk.getByText('Đã chấp nhận báo cáo.').waitFor();
  await noViolations(clerk, 'the task page after review');
  // Exports.
  const [xlsx] = await Promise.all([clerk.waitForEvent('download'), clerk.goto(`${server.url}/tasks/documents/${docId}`).then(() => clerk.getByRole('link', { name: 'Tải bảng Excel' }).click())]);
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);

  // The board on a phone.
  const phone = await newPage(360);
  await login(phone, server.url, 'vanthu.tinhuy');
  await phone.goto(`${server.url}/tasks/documents/${docId}`);
  await noSidewaysScroll(phone, 'the board on a phone');
  await noViolations(phone, 'the board on a phone');
  for (const p of [clerk, stttt, phone]) await p.context().close();
});

test('the assigning office edits a task on a phone: finds a supporting unit with the filter, moves the deadline; without JavaScript the form still works', async () => {
  setClock(vn('2021-08-27T10:00:00'));
  const db = server.database.db;
  const [task] = await createTasks(
    db,
    { accountId: (await accountByLogin(db, 'vanthu.tinhuy')).id },
    [{ parentId: null, documentId: null, item: null, assigningUnitId: (await unitByCode(db, 'TB')).id, leadUnitId: (await unitByName(db, 'Ban Tuyên giáo Tỉnh ủy')).id, supportUnitIds: [], memberPersonId: null, title: 'Mở chuyên mục phòng, chống dịch', description: '', deadline: { kind: 'date', dueDate: '2021-09-15', dueTime: null, recurWeekday: null, recurMonthday: null, recurUntil: null }, priority: 'normal' }],
    { now: vn('2021-08-27T10:00:00') },
  );
  // The real content security policy: the filter script must load as the server serves it.
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await login(page, server.url, 'vanthu.tinhuy');
  await page.goto(`${server.url}/tasks/${task!.id}`);
  await page.getByRole('link', { name: 'Sửa nhiệm vụ' }).click();
  await page.getByRole('heading', { name: 'Sửa nhiệm vụ' }).waitFor();
  assert.equal(await page.getByLabel('Ngày hạn / áp dụng từ ngày').inputValue(), '15/09/2021', 'the form comes filled in');
  // The filter box appears with JavaScript; typed without accents, it narrows the list.
  const filter = page.getByLabel('Tìm trong danh sách “Đơn vị phối hợp”');
  await filter.waitFor();
  await noViolations(page, 'the edit form');
  await noSidewaysScroll(page, 'the edit form on a phone');
  const supports = page.locator('#f-supportUnitIds');
  const before = await supports.locator('option').count();
  await filter.fill('so thong tin');
  await page.waitForFunction(() => document.querySelectorAll('#f-supportUnitIds option').length === 1);
  await page.locator('#f-supportUnitIds-filter-count').getByText('1 đơn vị khớp.').waitFor();
  assert.deepEqual((await supports.locator('option').allTextContents()).map((x) => x.trim()), ['Sở Thông tin và Truyền thông']);
  await supports.selectOption({ label: '\u00a0\u00a0Sở Thông tin và Truyền thông' });
  // Narrowing again never drops what was chosen; clearing the box brings the whole list back.
  await filter.fill('bao thai');
  await page.waitForFunction(() => document.querySelectorAll('#f-supportUnitIds option').length === 2);
  assert.equal((await page.locator('#f-supportUnitIds-filter-count').textContent())?.trim(), '1 đơn vị khớp.', 'the chosen unit is kept but not counted as a match');
  assert.deepEqual((await supports.locator('option').allTextContents()).map((x) => x.trim()), ['Sở Thông tin và Truyền thông', 'Báo Thái Bình']);
  await filter.fill('khong co don vi nao');
  await page.getByText('Không có đơn vị nào khớp.').waitFor();
  await noViolations(page, 'the edit form, filtered to nothing');
  await filter.fill('');
  await page.waitForFunction((n) => document.querySelectorAll('#f-supportUnitIds option').length === n, before);
  // Enter in the filter box does not send the form.
  await filter.press('Enter');
  assert.match(page.url(), /\/edit$/);
  await page.getByLabel('Thời hạn', { exact: true }).selectOption('datetime');
  await page.getByLabel('Ngày hạn / áp dụng từ ngày').fill('20/09/2021');
  await page.getByLabel('Giờ hạn (ví dụ 15:00)').fill('15:00');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await page.getByText('Đã lưu nhiệm vụ.').waitFor();
  const record = await page.locator('dl.record').innerText();
  assert.match(record, /Trước 15:00 ngày 20\/09\/2021/);
  assert.match(record, /Sở Thông tin và Truyền thông/);
  await noViolations(page, 'the task page after the edit');

  // Without JavaScript: no filter box, the plain list, and the same refusal and save.
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState(), viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
  noJs.setDefaultTimeout(30_000);
  const plain = await noJs.newPage();
  await plain.goto(`${server.url}/tasks/${task!.id}/edit`);
  await plain.getByRole('heading', { name: 'Sửa nhiệm vụ' }).waitFor();
  assert.equal(await plain.getByLabel('Tìm trong danh sách “Đơn vị phối hợp”').isVisible(), false);
  await plain.getByLabel('Ngày hạn / áp dụng từ ngày').fill('20/08/2021');
  await plain.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await plain.getByText('Thời hạn này đã qua: hãy chọn một thời điểm sắp tới.').first().waitFor();
  // axe needs JavaScript: the refused form, rendered again in a context that has it.
  const withJs = await browser.newContext({ storageState: await noJs.storageState(), viewport: { width: 360, height: 800 }, locale: 'vi-VN' });
  withJs.setDefaultTimeout(30_000);
  const same = await withJs.newPage();
  await same.goto(`${server.url}/tasks/${task!.id}/edit`);
  await same.getByLabel('Ngày hạn / áp dụng từ ngày').fill('20/08/2021');
  await same.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await same.getByText('Thời hạn này đã qua: hãy chọn một thời điểm sắp tới.').first().waitFor();
  await noViolations(same, 'the refused edit');
  await noSidewaysScroll(same, 'the refused edit on a phone');
  await plain.getByLabel('Ngày hạn / áp dụng từ ngày').fill('25/09/2021');
  await plain.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await plain.getByText('Đã lưu nhiệm vụ.').waitFor();
  assert.match(await plain.locator('dl.record').innerText(), /Trước 15:00 ngày 25\/09\/2021/);
  for (const c of [context, noJs, withJs]) await c.close();
});
