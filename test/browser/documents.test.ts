// Documents in a real browser: a clerk pastes a seed document, corrects a field, saves, and finds
// it again by typing without diacritics; axe-core finds no violations on the intake, register,
// library, document and search pages; a 360-pixel phone reads them without sideways scrolling;
// intake works without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axe, describeViolations, launchBrowser, liveServer, login, type LiveServer } from '../kit/browser.ts';
import { unitByCode, unitByName } from '../kit/demo.ts';
import { SEEDS_DIR } from '../../src/documents/demo.ts';
import { createPdf, pdfBuffer } from '../../src/core/pdf/pdf.ts';

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

async function newPage(opts: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: { width: opts.width ?? 390, height: 800 }, locale: 'vi-VN' });
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

test('a clerk pastes a seed document, corrects the issuer, saves, and finds it by searching without diacritics', async () => {
  const page = await newPage({ width: 1280 });
  await login(page, server.url, '0912000112');
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: /Thư viện văn bản/ }).first().click();
  await page.getByRole('link', { name: 'Vào sổ văn bản mới' }).click();
  await page.getByRole('heading', { name: 'Bước 1: đưa nội dung văn bản vào' }).waitFor();
  await noViolations(page, 'intake, step 1');
  await page.getByLabel('Dán nội dung văn bản').fill(fs.readFileSync(path.join(SEEDS_DIR, '003_85149d26268d0f6b.txt'), 'utf8'));
  await page.getByRole('button', { name: 'Đọc văn bản' }).click();
  await page.getByRole('heading', { name: /Bước 2/ }).waitFor();
  assert.equal(await page.getByLabel('Số, ký hiệu').inputValue(), '107/TB-UBND');
  assert.equal(await page.getByLabel('Ngày ban hành').inputValue(), '28/07/2021');
  await noViolations(page, 'intake, step 2 (the parsed header beside the text)');
  // The seed prints no issuer: the browser will not submit without it (the server says the same without JavaScript).
  await page.getByLabel('Ngày đến').fill('30/07/2021');
  await page.getByRole('button', { name: 'Lưu và vào sổ' }).click();
  assert.equal(await page.getByLabel('Cơ quan ban hành').evaluate((el) => (el as HTMLInputElement).validity.valueMissing), true);
  await page.getByLabel('Cơ quan ban hành').fill('UBND tỉnh Thái Nguyên');
  // A date the server refuses comes back with its message, the clerk's corrections kept.
  await page.getByLabel('Hạn xử lý').fill('31/02/2021');
  await page.getByRole('button', { name: 'Lưu và vào sổ' }).click();
  await page.getByText('Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 28/07/2021.').first().waitFor();
  assert.equal(await page.getByLabel('Cơ quan ban hành').inputValue(), 'UBND tỉnh Thái Nguyên');
  await noViolations(page, 'intake, with errors');
  await page.getByLabel('Hạn xử lý').fill('06/08/2021');
  await page.getByRole('button', { name: 'Lưu và vào sổ' }).click();
  await page.getByText('Đã vào sổ văn bản đến, số đến 1.').waitFor();
  assert.ok(await page.getByRole('heading', { name: 'THÔNG BÁO' }).isVisible());
  assert.ok(await page.getByText('UBND TỈNH THÁI NGUYÊN').first().isVisible());
  await noViolations(page, 'document');
  // Found again by a half-remembered phrase typed without diacritics.
  await page.goto(`${server.url}/documents`);
  await page.getByLabel('Tìm văn bản').fill('trinh viet hung truy vet');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await page.getByRole('link', { name: 'Thông báo 107/TB-UBND' }).waitFor();
  assert.ok((await page.locator('.snippet mark').count()) > 0, 'the snippet highlights the matched words');
  await noViolations(page, 'search results');
  await page.getByRole('link', { name: 'Thông báo 107/TB-UBND' }).click();
  await page.getByText('Số đến').first().waitFor();
  await page.context().close();
});

test('axe-core finds no violations on the library, registers and the demo documents, with large text too', async () => {
  const page = await newPage({ width: 1024 });
  await login(page, server.url, 'vanthu.tinhuy');
  const province = await unitByCode(server.database.db, 'TB');
  await page.goto(`${server.url}/documents`);
  await noViolations(page, 'library');
  await page.goto(`${server.url}/documents?q=cach+ly&kind=cong_dien&urgency=hoa_toc`);
  await noViolations(page, 'search with filters');
  await page.goto(`${server.url}/documents/registers/${province.id}`);
  assert.ok(await page.getByRole('heading', { name: 'Văn bản hỏa tốc, thượng khẩn chưa xử lý' }).isVisible());
  await noViolations(page, 'incoming register');
  await page.goto(`${server.url}/documents/registers/${province.id}?direction=outgoing`);
  await noViolations(page, 'outgoing register');
  await page.goto(`${server.url}/documents/registers/${province.id}/print`);
  await noViolations(page, 'printable register');
  await page.goto(`${server.url}/documents?q=600%2FCD-BCD`);
  await page.getByRole('link', { name: 'Công điện 600/CD-BCĐ' }).click();
  await page.getByRole('heading', { name: 'Đã được sửa đổi, bổ sung bởi' }).or(page.getByRole('heading', { name: 'Sửa đổi, bổ sung' })).first().waitFor();
  await noViolations(page, 'a document with related documents');
  await page.getByRole('button', { name: 'Rất lớn' }).click();
  await page.getByRole('button', { name: 'Bật tương phản cao' }).click();
  await noViolations(page, 'a document, large text and high contrast');
  await page.goto(`${server.url}/documents/intake/${province.id}`);
  await noViolations(page, 'intake, large text and high contrast');
  await page.getByRole('button', { name: 'Vừa' }).click();
  await page.getByRole('button', { name: 'Tắt tương phản cao' }).click();
  await page.context().close();
});

test('on a 360-pixel phone the document, the library and the register read without sideways scrolling', async () => {
  const page = await newPage({ width: 360 });
  await login(page, server.url, 'vanthu.tinhuy');
  const province = await unitByCode(server.database.db, 'TB');
  await page.goto(`${server.url}/documents?q=89+TB+VPCP`);
  await noSidewaysScroll(page, 'search');
  await page.getByRole('link', { name: 'Thông báo 89/TB-VPCP' }).click();
  await page.getByRole('heading', { name: 'THÔNG BÁO' }).waitFor();
  await noSidewaysScroll(page, 'document');
  const items = await page.locator('.doc-body .doc-item').count();
  assert.ok(items >= 3, `numbered items are set apart (${items})`);
  await page.goto(`${server.url}/documents/registers/${province.id}`);
  await noSidewaysScroll(page, 'register');
  await page.goto(`${server.url}/documents/intake/${province.id}`);
  await noSidewaysScroll(page, 'intake');
  await page.context().close();
});

test('intake works without JavaScript', async () => {
  const page = await newPage({ javaScriptEnabled: false, width: 390 });
  await login(page, server.url, '0912000122');
  const commune = await unitByName(server.database.db, 'Đảng ủy xã Vũ Phúc');
  await page.goto(`${server.url}/documents/intake/${commune.id}`);
  await page.getByLabel('Dán nội dung văn bản').fill('ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH\nSố: 12/TB-UBND\nThái Bình, ngày 02 tháng 3 năm 2024\nTHÔNG BÁO\nVề lịch tiếp công dân tháng 3\n\n1. Lãnh đạo tiếp công dân vào thứ Năm hằng tuần.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn A');
  await page.getByRole('button', { name: 'Đọc văn bản' }).click();
  await page.getByLabel('Ngày đến').fill('31/02/2024');
  await page.getByRole('button', { name: 'Lưu và vào sổ' }).click();
  await page.getByText('Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 28/07/2021.').first().waitFor();
  await page.getByLabel('Ngày đến').fill('04/03/2024');
  await page.getByRole('button', { name: 'Lưu và vào sổ' }).click();
  await page.getByText('Đã vào sổ văn bản đến, số đến 1.').waitFor();
  await page.context().close();
});

test('the "Văn bản" link, correcting a header, a register month by month, and a paper document registered from its scan: no axe-core violations, no sideways scrolling at 360 px', async () => {
  const page = await newPage({ width: 360 });
  await login(page, server.url, 'vanthu.tinhuy');
  await page.goto(`${server.url}/`);
  await noSidewaysScroll(page, 'home with the documents link');
  await shot(page, 'home-360');
  await page.getByRole('navigation', { name: 'Trình đơn' }).getByRole('link', { name: 'Văn bản', exact: true }).click();
  await page.getByRole('heading', { name: 'Thư viện văn bản' }).waitFor();

  // Correct the header of a registered document.
  await page.goto(`${server.url}/documents?q=583%2FCD-BYT`);
  await page.getByRole('link', { name: 'Công điện 583/CD-BYT' }).click();
  await page.getByRole('link', { name: 'Sửa phần đầu văn bản' }).click();
  await page.getByRole('heading', { name: /Sửa phần đầu: Công điện 583\/CD-BYT/ }).waitFor();
  await noViolations(page, 'correction form');
  await noSidewaysScroll(page, 'correction form');
  await shot(page, 'correct-360');
  await page.getByLabel('Người ký', { exact: true }).fill('Nguyễn Thanh Long');
  await page.getByLabel('Ngày ban hành').fill('32/05/2021');
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
  await page.getByText('Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 28/07/2021.').first().waitFor();
  await noViolations(page, 'correction form with an error');
  await page.getByLabel('Ngày ban hành').fill('07/05/2021');
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
  await page.getByText(/Đã lưu phần đầu văn bản\. Đã sửa: .*Người ký/).waitFor();
  assert.ok(await page.getByText('Nguyễn Thanh Long').first().isVisible());

  // The register, one month at a time.
  const province = await unitByCode(server.database.db, 'TB');
  await page.goto(`${server.url}/documents/registers/${province.id}?year=2021`);
  await page.getByRole('navigation', { name: 'Các tháng trong năm' }).waitFor();
  await noViolations(page, 'register, month navigation');
  await noSidewaysScroll(page, 'register, month navigation');
  await shot(page, 'register-360');
  await page.getByRole('link', { name: /^Tháng 5 \(\d+\)$/ }).click();
  await page.getByText(/^Tháng 5\/2021: \d+ văn bản\.$/).waitFor();

  // A paper document: typed in by hand, its scan attached on the form.
  await page.goto(`${server.url}/documents/intake/${province.id}`);
  await page.getByRole('button', { name: 'Nhập tay phần đầu (văn bản giấy)' }).click();
  await page.getByRole('heading', { name: /Bước 2/ }).waitFor();
  await noViolations(page, 'intake by hand');
  await page.getByLabel('Số, ký hiệu').fill('45-CV/HU');
  await page.getByLabel('Loại văn bản').selectOption('cong_van');
  await page.getByLabel('Cơ quan ban hành').fill('Huyện ủy Hưng Hà');
  await page.getByLabel('Ngày ban hành').fill('02/03/2022');
  await page.getByLabel('Trích yếu nội dung').fill('Về việc tổ chức hội nghị học tập nghị quyết');
  await page.getByLabel('Ngày đến').fill('03/03/2022');
  await page.getByLabel('Bản quét (tệp gốc)').setInputFiles({ name: 'cong-van-45.jpg', mimeType: 'image/jpeg', buffer: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 3)]) });
  await page.getByRole('button', { name: 'Lưu và vào sổ' }).click();
  await page.getByText(/Đã vào sổ văn bản đến, số đến \d+\./).waitFor();
  await page.getByText('Văn bản này được vào sổ từ bản quét, không có chữ. Xem bản quét:').waitFor();
  await noViolations(page, 'a document registered from its scan');
  await noSidewaysScroll(page, 'a document registered from its scan');
  await shot(page, 'scan-doc-360');

  // A scanned PDF at the first step: the page says so.
  await page.goto(`${server.url}/documents/intake/${province.id}`);
  await page.getByLabel('Hoặc tải lên tệp văn bản, bản quét').setInputFiles({ name: 'quet.pdf', mimeType: 'application/pdf', buffer: await scannedPdf() });
  await page.getByRole('button', { name: 'Đọc văn bản' }).click();
  await page.getByText(/Tệp PDF này là ảnh quét, không có chữ: hãy nhập các thông tin ở tiêu đề và đính kèm tệp/).waitFor();
  await noViolations(page, 'intake of a scanned PDF');
  await shot(page, 'scan-pdf-360');
  await page.context().close();
});

async function scannedPdf(): Promise<Buffer> {
  const pdf = createPdf({ title: 'scan' });
  pdf.rect(50, 50, 400, 300).fill('#777777');
  return pdfBuffer(pdf);
}

/** A screenshot for a person to look at, when SOTAY_SCREENSHOTS names a directory. */
async function shot(page: Page, name: string) {
  if (process.env.SOTAY_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.SOTAY_SCREENSHOTS, `${name}.png`), fullPage: true });
}
