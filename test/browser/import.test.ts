// The member import in a real browser: a commune committee member uploads a spreadsheet
// through the page, sees every row's problems in the preview, imports a valid file and follows
// the progress page to the result; axe-core finds no violations on these pages. The upload
// and preview also work without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { axe, describeViolations, launchBrowser, login } from '../kit/browser.ts';
import { finishStartup, testConfig } from '../kit/app.ts';
import { testDatabase, type TestDatabase } from '../kit/db.ts';
import { unitByCode } from '../kit/demo.ts';
import { createServer } from '../../src/server.ts';
import type { JobQueue } from '../../src/core/jobs/queue.ts';
import { members } from '../../src/people/schema.ts';

let browser: Browser;
let server: { url: string; database: TestDatabase; jobs: JobQueue; close: () => Promise<void> };

before(async () => {
  browser = await launchBrowser();
  // The kit's live server, keeping the job queue so the test can run the import (SOTAY_WORKERS is off).
  const database = await testDatabase({ demo: true });
  const { app, jobs } = await createServer(testConfig(), { database, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await finishStartup(jobs);
  server = {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    database,
    jobs,
    close: async () => {
      await jobs.stop();
      await app.close();
      await database.close();
    },
  };
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function newPage(opts: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: { width: 390, height: 800 }, locale: 'vi-VN' });
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  return page;
}

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = ['Họ và tên', 'Ngày sinh', 'Giới tính', 'Ngày vào Đảng', 'Ngày chính thức', 'Số thẻ đảng viên', 'Điện thoại'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function assertNoViolations(page: Page, name: string) {
  const v = await axe(page);
  assert.equal(v.length, 0, `${name}:\n${describeViolations(v)}`);
}

test('a committee member uploads a list, sees every row’s errors, imports a valid file and follows it to the end', async () => {
  const page = await newPage();
  await login(page, server.url, '0912000101');
  const cell = await unitByCode(server.database.db, 'TB-DT-2');
  await page.goto(`${server.url}/admin/people?unit=${cell.id}`);
  await page.getByRole('link', { name: 'Nhập từ tệp Excel/CSV' }).click();
  await page.getByRole('heading', { name: /Nhập đảng viên từ tệp: Chi bộ thôn Tống Vũ/ }).waitFor();
  await assertNoViolations(page, 'upload page');

  // A file with mistakes: the preview names each row and column.
  const faulty = await workbook([HEADER, ['Lương Văn Hợp', '02/09/1960', 'Nam', '01/05/1985', '01/05/1986', '81000001', '0916100001'], ['Lương', '31/02/1961', 'Nữ'], ['Lương Thị Hoa', '01/01/1962', 'Không rõ', '', '', '', '0916100001']]);
  await page.getByLabel('Tệp danh sách (.xlsx hoặc .csv)').setInputFiles({ name: 'danh-sach-loi.xlsx', mimeType: XLSX, buffer: faulty });
  await page.getByRole('button', { name: 'Tải lên và kiểm tra' }).click();
  await page.getByRole('heading', { name: 'Xem trước khi nhập' }).waitFor();
  const table = page.getByRole('table').first();
  assert.ok(await table.getByRole('rowheader', { name: '3' }).isVisible());
  assert.ok(await table.getByText('Họ và tên phải có ít nhất hai từ (họ và tên).').isVisible());
  assert.ok(await table.getByText('Ngày này không có trên lịch (ví dụ 31/02). Hãy kiểm tra lại ngày và tháng.').isVisible());
  assert.ok(await table.getByText('Giới tính phải là "Nam" hoặc "Nữ".').isVisible());
  assert.ok((await table.getByText(/Số điện thoại dùng chung với dòng/).count()) === 2, 'a shared phone is a warning on both rows');
  assert.equal(await page.getByRole('button', { name: /^Nhập \d+ đảng viên$/ }).count(), 0, 'a file with errors cannot be imported whole');
  assert.ok(await page.getByRole('button', { name: 'Chỉ nhập các dòng hợp lệ (1 dòng)' }).isVisible());
  await assertNoViolations(page, 'preview with errors');

  // A valid file, imported whole.
  const before = (await server.database.db.select().from(members).where(eq(members.unitId, cell.id))).length;
  await page.getByRole('link', { name: 'Tải tệp khác lên' }).first().click();
  const valid = await workbook([HEADER, ['Lương Văn Hợp', '02/09/1960', 'Nam', '01/05/1985', '01/05/1986', '81000001', '0916100001'], ['Lương Thị Hoa', '01/01/1962', 'Nữ', '01/05/1990', '01/05/1991', '81000002', '0916100001']]);
  await page.getByLabel('Tệp danh sách (.xlsx hoặc .csv)').setInputFiles({ name: 'danh-sach.xlsx', mimeType: XLSX, buffer: valid });
  await page.getByRole('button', { name: 'Tải lên và kiểm tra' }).click();
  await page.getByRole('heading', { name: 'Xem trước khi nhập' }).waitFor();
  assert.ok(await page.getByText('Không có lỗi nào. Mọi dòng đều hợp lệ.').isVisible());
  await assertNoViolations(page, 'preview, valid file');
  await page.getByRole('button', { name: 'Nhập 2 đảng viên' }).click();
  await page.getByRole('heading', { name: 'Đang nhập đảng viên' }).waitFor();
  assert.ok(await page.getByRole('progressbar').isVisible());
  await assertNoViolations(page, 'progress page');
  assert.equal(await server.jobs.runOnce(), 1);
  // The page reloads itself.
  await page.getByRole('heading', { name: 'Đã nhập xong' }).waitFor({ timeout: 15_000 });
  assert.ok(await page.getByText('Đã nhập 2 đảng viên vào Chi bộ thôn Tống Vũ.').isVisible());
  await assertNoViolations(page, 'result page');
  assert.equal((await server.database.db.select().from(members).where(eq(members.unitId, cell.id))).length, before + 2);
  await page.getByRole('link', { name: 'Xem danh sách đảng viên' }).click();
  assert.ok(await page.getByRole('link', { name: 'Lương Văn Hợp' }).isVisible());
  await page.context().close();
});

test('without JavaScript: upload a CSV into a commune, see the preview, a wrong file type gets its message, an import runs to the end', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await login(page, server.url, '0912000101');
  const commune = await unitByCode(server.database.db, 'TB-DT');
  await page.goto(`${server.url}/admin/people/import?unit=${commune.id}`);
  const csv = Buffer.from('\uFEFFHọ và tên;Ngày sinh;Chi bộ\r\nMạc Văn Đĩnh;02/09/1958;chi bo thon dong tho\r\nMạc Thị Chi;01/01/1959;Chi bộ không có\r\n', 'utf8');
  await page.getByLabel('Tệp danh sách (.xlsx hoặc .csv)').setInputFiles({ name: 'xa.csv', mimeType: 'text/csv', buffer: csv });
  await page.getByRole('button', { name: 'Tải lên và kiểm tra' }).click();
  await page.getByRole('heading', { name: 'Xem trước khi nhập' }).waitFor();
  assert.ok(await page.getByText('Không tìm thấy chi bộ này trong đơn vị đang nhập.').isVisible());

  await page.goto(`${server.url}/admin/people/import?unit=${commune.id}`);
  await page.getByLabel('Tệp danh sách (.xlsx hoặc .csv)').setInputFiles({ name: 'bao-cao.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n') });
  await page.getByRole('button', { name: 'Tải lên và kiểm tra' }).click();
  await page.getByText('Đây là tệp PDF, không phải bảng tính. Hãy tải lên tệp Excel (.xlsx) hoặc CSV (.csv).').first().waitFor();

  // A valid file, confirmed; the progress page reloads itself (HTTP Refresh header, no script).
  await page.goto(`${server.url}/admin/people/import?unit=${commune.id}`);
  const valid = Buffer.from('Họ và tên,Ngày sinh,Chi bộ\r\nMạc Văn Đĩnh,02/09/1958,chi bo thon dong tho\r\nMạc Thị Chi,01/01/1959,TB-DT-2\r\n', 'utf8');
  await page.getByLabel('Tệp danh sách (.xlsx hoặc .csv)').setInputFiles({ name: 'xa.csv', mimeType: 'text/csv', buffer: valid });
  await page.getByRole('button', { name: 'Tải lên và kiểm tra' }).click();
  await page.getByRole('button', { name: 'Nhập 2 đảng viên' }).click();
  await page.getByRole('heading', { name: 'Đang nhập đảng viên' }).waitFor();
  assert.equal(await server.jobs.runOnce(), 1);
  await page.getByRole('heading', { name: 'Đã nhập xong' }).waitFor({ timeout: 15_000 });
  assert.ok(await page.getByText('Đã nhập 2 đảng viên vào Đảng ủy xã Đông Thọ.').isVisible());
  await page.context().close();
});
