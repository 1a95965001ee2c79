// The documents feature over HTTP: intake in two steps (paste or upload, then correct and save),
// bad input (wrong type, oversized, duplicate, missing fields: nothing half-saved), registers
// (screen, print, Excel), and who may see what — including classified documents.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { asParts, formFields, postMultipart } from './testing.ts';
import { unitByCode, unitByName } from '../../test/kit/demo.ts';
import { queryRows } from '../core/db/client.ts';
import { readXlsx } from '../core/xlsx/index.ts';
import { createPdf, pdfBuffer } from '../core/pdf/pdf.ts';
import { SEEDS_DIR } from './demo.ts';
import { documents } from './schema.ts';

let t: TestApp;
let small: TestApp;
before(async () => {
  t = await testApp({ demo: true });
  small = await testApp({ demo: true, config: { SOTAY_MAX_UPLOAD_MB: '1' } });
});
after(async () => {
  await t.close();
  await small.close();
});

const seed003 = () => fs.readFileSync(path.join(SEEDS_DIR, '003_85149d26268d0f6b.txt'), 'utf8');
const docCount = async (db = t.database.db) => Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from documents`))[0]!.n);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('intake', () => {
  test('a clerk pastes a document, the parsed header comes back as a form, the clerk corrects it and saves', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy phường Phú Khánh');
    const c = await loggedIn(t.app, '0912000112');
    const start = await c.get('/documents/intake');
    assert.equal(start.status, 303, 'a clerk of one unit goes straight to its intake');
    assert.equal(start.headers.location, `/documents/intake/${commune.id}`);
    await c.get(`/documents/intake/${commune.id}`);
    const read = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [
      { name: 'direction', value: 'incoming' },
      { name: 'text', value: seed003() },
    ]);
    assert.equal(read.status, 200);
    const fields = formFields(read.body, 'intake-form');
    assert.equal(fields.number, '107/TB-UBND');
    assert.equal(fields.kind, 'thong_bao');
    assert.equal(fields.date, '28/07/2021');
    assert.equal(fields.place, 'Thái Nguyên');
    assert.equal(fields.issuer, '', 'the seed prints no issuer: the clerk must fill it in');
    assert.match(fields.references!, /203\/TB-VPCP/);
    // Saving without the issuer is refused with the field's message, and nothing is saved.
    const before = await docCount();
    const missing = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, asParts({ ...fields, entryDate: '30/07/2021' }));
    assert.equal(missing.status, 422);
    assert.match(text(missing.body), /Hãy nhập cơ quan ban hành văn bản/);
    assert.equal(await docCount(), before);
    // The clerk corrects the issuer and the subject, attaches a file, and saves.
    const saved = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, [
      ...asParts({ ...fields, issuer: 'UBND tỉnh Thái Nguyên', entryDate: '30/07/2021', forwardedTo: 'Đồng chí Bí thư', dueOn: '05/08/2021' }),
      { name: 'attachments', fileName: 'phu-luc.pdf', content: PDF, type: 'application/pdf' },
    ]);
    assert.equal(saved.status, 303, text(saved.body).slice(0, 400));
    const page = await c.get(String(saved.headers.location));
    assert.equal(page.status, 200);
    const body = text(page.body);
    assert.match(body, /Đã vào sổ văn bản đến, số đến 1\./);
    assert.match(body, /UBND TỈNH THÁI NGUYÊN/);
    assert.match(body, /Số: 107\/TB-UBND/);
    assert.match(body, /Thái Nguyên, ngày 28 tháng 07 năm 2021/);
    assert.match(body, /Đồng chí Bí thư/);
    assert.match(body, /phu-luc\.pdf/);
    assert.match(body, /Thông báo 203\/TB-VPCP ngày 26\/07\/2021 chưa có trong thư viện/);
    // The attachment comes back byte for byte, as a download.
    const fileHref = /href="(\/documents\/\d+\/files\/\d+)"/.exec(page.body)![1]!;
    const file = await t.app.inject({ method: 'GET', url: fileHref, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.match(String(file.headers['content-disposition']), /^attachment; filename="phu-luc\.pdf"/);
    assert.deepEqual(file.rawPayload, PDF);
    // The same document again is a duplicate, with a link to the one already registered.
    const again = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, asParts({ ...fields, issuer: 'Ủy ban nhân dân tỉnh Thái Nguyên', entryDate: '31/07/2021' }));
    assert.equal(again.status, 409);
    assert.match(text(again.body), /Văn bản số 107\/TB-UBND của Ủy ban nhân dân tỉnh Thái Nguyên đã có trong sổ của đơn vị này/);
    assert.match(again.body, new RegExp(`href="${saved.headers.location}"`));
  });

  test('an uploaded .pdf (text layer) is read into text, parsed, and kept as the original file', async () => {
    const pdf = createPdf({ title: 'Kế hoạch' });
    for (const line of ['ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH', 'Số: 45/KH-UBND', 'Thái Bình, ngày 10 tháng 3 năm 2024', 'KẾ HOẠCH', 'Tổ chức tiêm vắc xin phòng Covid-19 đợt 5', '', '1. Các xã, phường tổ chức tiêm cho người từ 18 tuổi trở lên.', '2. Trạm y tế báo cáo kết quả trước 15h00 hằng ngày.', '', 'Nơi nhận:', '- Lưu: VT.', '', 'CHỦ TỊCH', 'Nguyễn Văn Bình']) pdf.text(line);
    const bytes = await pdfBuffer(pdf);
    const commune = await unitByName(t.database.db, 'Đảng ủy phường Phú Khánh');
    const c = await loggedIn(t.app, '0912000112');
    await c.get(`/documents/intake/${commune.id}`);
    const read = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'direction', value: 'incoming' }, { name: 'file', fileName: 'ke-hoach-45.pdf', content: bytes, type: 'application/pdf' }]);
    assert.equal(read.status, 200, text(read.body).slice(0, 300));
    assert.match(text(read.body), /Tệp gốc: ke-hoach-45\.pdf/);
    const fields = formFields(read.body, 'intake-form');
    assert.equal(fields.number, '45/KH-UBND');
    assert.equal(fields.kind, 'ke_hoach');
    assert.equal(fields.date, '10/03/2024');
    assert.ok(fields.sourceId);
    const saved = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, asParts({ ...fields, entryDate: '11/03/2024' }));
    assert.equal(saved.status, 303, text(saved.body).slice(0, 400));
    const page = await c.get(String(saved.headers.location));
    assert.match(text(page.body), /ke-hoach-45\.pdf · Tệp gốc/);
  });

  test('one file holding several documents: the clerk picks the one to register', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy phường Phú Khánh');
    const c = await loggedIn(t.app, '0912000112');
    await c.get(`/documents/intake/${commune.id}`);
    const bundle = fs.readFileSync(path.join(SEEDS_DIR, '004_3f854a62d6d063ba.txt'));
    const read = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'direction', value: 'incoming' }, { name: 'file', fileName: 'bo-van-ban.txt', content: bundle }]);
    assert.equal(read.status, 200);
    assert.match(text(read.body), /Tìm thấy 8 văn bản/);
    const forms = [...read.body.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]).filter((f) => f.includes('name="pick"'));
    assert.equal(forms.length, 8);
    const pick = forms[3]!; // 89/TB-VPCP
    const fields: Record<string, string> = {};
    for (const m of pick.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
    fields.text = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(pick)![1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');
    const form = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, asParts(fields));
    assert.equal(form.status, 200);
    const values = formFields(form.body, 'intake-form');
    assert.equal(values.number, '89/TB-VPCP');
    assert.equal(values.issuer, 'VĂN PHÒNG CHÍNH PHỦ');
    assert.ok(values.sourceId, 'the uploaded bundle stays the source file');
  });
});

describe('bad input', () => {
  test('a file that cannot be read as text, or whose content is not what its name says, is refused with the reason', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy xã Vũ Phúc');
    const c = await loggedIn(t.app, '0912000122');
    await c.get(`/documents/intake/${commune.id}`);
    const exe = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'file', fileName: 'virus.exe', content: Buffer.from('MZ\x90\x00') }]);
    assert.equal(exe.status, 422);
    assert.match(text(exe.body), /Tệp “virus\.exe” không dùng được làm tệp văn bản: chỉ nhận \.txt, \.md, \.docx, \.pdf, \.jpg, \.jpeg, \.png\./);
    const fakePdf = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'file', fileName: 'cong-van.pdf', content: Buffer.from('chỉ là chữ') }]);
    assert.equal(fakePdf.status, 422);
    assert.match(text(fakePdf.body), /Nội dung tệp “cong-van\.pdf” không khớp với phần mở rộng/);
    const empty = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'text', value: '   ' }]);
    assert.equal(empty.status, 422);
    assert.match(text(empty.body), /Hãy dán nội dung văn bản hoặc tải lên tệp/);
  });

  test('a wrong attachment type, and missing or wrong fields, re-show the form with every message; nothing is saved and no number is taken', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy xã Vũ Phúc');
    const c = await loggedIn(t.app, '0912000122');
    await c.get(`/documents/intake/${commune.id}`);
    const before = await docCount();
    const res = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, [
      ...asParts({ direction: 'incoming', number: 'abc', kind: 'thong_bao', issuer: 'Bộ Y tế', subject: '', date: '32/13/2021', entryDate: '', text: 'Nội dung' }),
      { name: 'attachments', fileName: 'chay-thu.exe', content: Buffer.from('MZ') },
    ]);
    assert.equal(res.status, 422);
    const body = text(res.body);
    assert.match(body, /Biểu mẫu có 5 lỗi/);
    assert.match(body, /Tệp “chay-thu\.exe” không đúng loại/);
    assert.match(body, /Số, ký hiệu không hợp lệ/);
    assert.match(body, /Hãy nhập trích yếu nội dung văn bản/);
    assert.match(body, /Ngày không hợp lệ: hãy nhập theo dạng dd\/mm\/yyyy/);
    assert.match(body, /Hãy nhập ngày vào sổ/);
    assert.equal(await docCount(), before);
    const counters = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from register_counters where unit_id = ${commune.id}`);
    assert.equal(counters[0]!.n, 0);
  });

  test('an upload larger than SOTAY_MAX_UPLOAD_MB is refused with the limit', async () => {
    const commune = await unitByName(small.database.db, 'Đảng ủy xã Vũ Phúc');
    const c = await loggedIn(small.app, '0912000122');
    await c.get(`/documents/intake/${commune.id}`);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_300_000, 0x20)]);
    const res = await postMultipart(c, small.app, `/documents/intake/${commune.id}`, [
      ...asParts({ direction: 'incoming', number: '12/CV-SYT', kind: 'cong_van', issuer: 'Sở Y tế', subject: 'Về việc thử', entryDate: '01/02/2024', text: 'Nội dung' }),
      { name: 'attachments', fileName: 'ban-scan.pdf', content: big },
    ]);
    assert.equal(res.status, 413);
    assert.match(text(res.body), /Tệp “ban-scan\.pdf” quá lớn: mỗi tệp tối đa 1 MB/);
    assert.equal(await docCount(small.database.db), Number((await queryRows<{ n: number }>(small.database.db, sql`select count(*)::int as n from documents`))[0]!.n));
    const [saved] = await small.database.db.select({ id: documents.id }).from(documents).where(eq(documents.number, '12/CV-SYT'));
    assert.equal(saved, undefined);
  });
});

describe('registers', () => {
  test("the demo clerk sees the seed documents in the province's incoming register, urgent ones flagged until handled", async () => {
    const province = await unitByCode(t.database.db, 'TB');
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const page = await c.get(`/documents/registers/${province.id}`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), /Sổ văn bản đến 2021 — Tỉnh ủy Thái Bình/);
    // The screen shows one month at a time (the latest first), with a link to every month that has entries.
    const monthLinks = [...page.body.matchAll(/href="([^"]*month=(\d+))"/g)].map((x) => x[1]!.replace(/&amp;/g, '&'));
    assert.ok(monthLinks.length >= 3, monthLinks.join(' '));
    let body = '';
    for (const href of monthLinks) body += text((await c.get(href)).body);
    for (const n of ['107/TB-UBND', '354-CV/TU', '1440/UBND-KGVX', '89/TB-VPCP', '597/CD-BCĐ', '600/CD-BCĐ', '583/CD-BYT']) assert.ok(body.includes(n), n);
    const urgent = /<section class="urgent"[\s\S]*?<\/section>/.exec(page.body)![0];
    assert.ok(urgent.includes('600/CD-BCĐ') && urgent.includes('360-CV/TU') && !urgent.includes('354-CV/TU'), 'pending HỎA TỐC documents are flagged; the handled one is not');
    const id = /href="\/documents\/(\d+)">Công văn 360-CV\/TU/.exec(urgent)![1]!;
    await c.get(`/documents/${id}`);
    assert.equal((await c.post(`/documents/${id}/handled`)).status, 303);
    const after = await c.get(`/documents/registers/${province.id}`);
    assert.ok(!/<section class="urgent"[\s\S]*?360-CV\/TU[\s\S]*?<\/section>/.test(after.body));
    // The numbers follow the dates of arrival (the printable register holds the whole year).
    const whole = await c.get(`/documents/registers/${province.id}/print?direction=incoming&year=2021`);
    const seqs = [...whole.body.matchAll(/<td data-label="Số đến">(\d+)<\/td><td data-label="Ngày đến">(\d\d)\/(\d\d)\/(\d{4})/g)].map((m) => [Number(m[1]), `${m[4]}${m[3]}${m[2]}`] as const);
    assert.ok(seqs.length >= 10);
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]![0] === seqs[i - 1]![0] + 1 && seqs[i]![1] >= seqs[i - 1]![1]);
  });

  test('the clerk fills in the forwarding, due date and note after registration; a wrong date is refused', async () => {
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const [doc] = await t.database.db.select({ id: documents.id }).from(documents).where(eq(documents.number, '583/CD-BYT'));
    await c.get(`/documents/${doc!.id}`);
    const bad = await c.post(`/documents/${doc!.id}/entry`, { forwardedTo: 'Ban Tuyên giáo', dueOn: '01/01/2020', note: '' });
    assert.equal(bad.status, 422);
    assert.match(text(bad.body), /Hạn xử lý không thể trước ngày vào sổ/);
    const ok = await c.post(`/documents/${doc!.id}/entry`, { forwardedTo: 'Ban Tuyên giáo Tỉnh ủy', dueOn: '15/05/2021', note: 'Báo cáo Thường trực' });
    assert.equal(ok.status, 303);
    const page = text((await c.get(`/documents/${doc!.id}`)).body);
    assert.match(page, /Đã lưu thông tin vào sổ\./);
    assert.match(page, /Ban Tuyên giáo Tỉnh ủy/);
    assert.match(page, /15\/05\/2021/);
    // A committee member reads the document but does not edit the register.
    const committee = await loggedIn(t.app, 'bantochuc');
    assert.equal((await committee.get(`/documents/${doc!.id}`)).status, 200);
    assert.equal((await committee.post(`/documents/${doc!.id}/entry`, { note: 'x' })).status, 403);
    assert.equal((await committee.post(`/documents/${doc!.id}/handled`)).status, 403);
  });

  test('exports the register to .xlsx with the ten columns, and prints it', async () => {
    const province = await unitByCode(t.database.db, 'TB');
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const res = await t.app.inject({ method: 'GET', url: `/documents/registers/${province.id}/export.xlsx?direction=incoming&year=2021`, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /spreadsheetml/);
    const sheet = await readXlsx(res.rawPayload);
    assert.deepEqual(sheet.rows[0]!.cells, ['Số đến', 'Ngày đến', 'Nơi gửi', 'Số, ký hiệu', 'Ngày văn bản', 'Loại và trích yếu nội dung', 'Đơn vị, người nhận xử lý', 'Hạn xử lý', 'Ký nhận', 'Ghi chú']);
    assert.ok(sheet.rows.length >= 11);
    assert.equal(sheet.rows[1]!.cells[0], 1);
    const print = await c.get(`/documents/registers/${province.id}/print?direction=incoming&year=2021`);
    assert.equal(print.status, 200);
    assert.match(text(print.body), /SỔ VĂN BẢN ĐẾN Năm 2021/);
    const out = await c.get(`/documents/registers/${province.id}?direction=outgoing`);
    assert.match(text(out.body), /Sổ văn bản đi 2021/);
    assert.match(text(out.body), /Về tăng cường các biện pháp cấp bách phòng, chống dịch Covid-19/);
  });
});

describe('who may see what', () => {
  test("a clerk of one commune cannot read another commune's register or documents, nor find them", async () => {
    const dongTho = await unitByName(t.database.db, 'Đảng ủy xã Đông Thọ');
    const phuKhanh = await unitByName(t.database.db, 'Đảng ủy phường Phú Khánh');
    const clerk = await loggedIn(t.app, '0912000102');
    assert.equal((await clerk.get(`/documents/registers/${dongTho.id}`)).status, 200);
    assert.equal((await clerk.get(`/documents/registers/${phuKhanh.id}`)).status, 403);
    assert.equal((await clerk.get(`/documents/registers/${phuKhanh.id}/print`)).status, 403);
    assert.equal((await clerk.get(`/documents/registers/${phuKhanh.id}/export.xlsx`)).status, 403);
    assert.equal((await clerk.get(`/documents/intake/${phuKhanh.id}`)).status, 403);
    const theirs = await t.database.db.select({ id: documents.id }).from(documents).where(eq(documents.unitId, phuKhanh.id));
    const province = await unitByCode(t.database.db, 'TB');
    const provinceDocs = await t.database.db.select({ id: documents.id }).from(documents).where(eq(documents.unitId, province.id));
    assert.ok(provinceDocs.length > 0);
    for (const d of [...theirs, ...provinceDocs]) {
      assert.equal((await clerk.get(`/documents/${d.id}`)).status, 403);
      assert.equal((await clerk.get(`/api/v1/documents/${d.id}`)).status, 403);
    }
    const found = await clerk.get('/api/v1/documents?q=89%20TB%20VPCP');
    assert.equal(found.status, 200);
    assert.equal(found.json<{ documents: unknown[] }>().documents.length, 0, "the province's 89/TB-VPCP is not in the commune's library");
    const own = await clerk.get('/api/v1/documents?q=cap%20bach');
    assert.deepEqual(own.json<{ documents: { subject: string }[] }>().documents.map((d) => d.subject), ['Về tăng cường các biện pháp cấp bách phòng, chống dịch Covid-19']);
  });

  test('the province office sees the communes below it; the state tree sees none of the party tree; members see no library', async () => {
    const dongTho = await unitByName(t.database.db, 'Đảng ủy xã Đông Thọ');
    const province = await loggedIn(t.app, 'vanthu.tinhuy');
    assert.equal((await province.get(`/documents/registers/${dongTho.id}`)).status, 200);
    const state = await loggedIn(t.app, 'vanthu.ubnd');
    const provinceUnit = await unitByCode(t.database.db, 'TB');
    assert.equal((await state.get(`/documents/registers/${provinceUnit.id}`)).status, 403);
    assert.equal((await state.get('/api/v1/documents?q=covid')).json<{ documents: unknown[] }>().documents.length, 0);
    const member = await loggedIn(t.app, '0912000301');
    assert.equal((await member.get('/documents')).status, 403);
    assert.equal((await member.get('/api/v1/documents')).status, 403);
    const home = await member.get('/');
    assert.ok(!home.body.includes('href="/documents"'), 'no library tile for a plain member');
  });

  test('a classified document is registered but shown only to the clerks of the registering office', async () => {
    const province = await unitByCode(t.database.db, 'TB');
    const clerk = await loggedIn(t.app, 'vanthu.tinhuy');
    await clerk.get(`/documents/intake/${province.id}`);
    const res = await postMultipart(clerk, t.app, `/documents/intake/${province.id}`, asParts({ direction: 'incoming', number: '77-CV/TU', kind: 'cong_van', issuer: 'Tỉnh ủy Bình Phước', subject: 'Về công tác bảo vệ chính trị nội bộ', secrecy: 'toi_mat', date: '03/05/2021', entryDate: '04/05/2021', text: 'TỐI MẬT\nSố 77-CV/TU\nV/v công tác bảo vệ chính trị nội bộ\n\nNội dung mật.' }));
    assert.equal(res.status, 303);
    const url = String(res.headers.location);
    assert.equal((await clerk.get(url)).status, 200);
    const id = url.split('/').pop()!;
    for (const login of ['bantochuc', 'admin', '0912000101', '0912000102', 'vanthu.thanhuy']) {
      const other = await loggedIn(t.app, login);
      assert.equal((await other.get(url)).status, 403, login);
      assert.equal((await other.get(`/api/v1/documents/${id}`)).status, 403, login);
      for (const q of ['bao%20ve%20chinh%20tri%20noi%20bo', '77-CV%2FTU']) {
        const search = await other.get(`/api/v1/documents?q=${q}`);
        if (search.status === 200) assert.ok(!search.json<{ documents: { id: number }[] }>().documents.some((d) => String(d.id) === id), login);
      }
    }
    // The committee sees the row in the register, without its subject.
    const committee = await loggedIn(t.app, 'bantochuc');
    const reg = text((await committee.get(`/documents/registers/${province.id}?year=2021&month=5`)).body);
    assert.match(reg, /77-CV\/TU/);
    assert.match(reg, /Công văn \(Văn bản mật\)/);
    assert.ok(!reg.includes('bảo vệ chính trị nội bộ'));
    const clerkReg = text((await clerk.get(`/documents/registers/${province.id}?year=2021&month=5`)).body);
    assert.match(clerkReg, /bảo vệ chính trị nội bộ/);
  });
});

describe('the API', () => {
  test('searches the library and returns a document', async () => {
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const res = await c.get('/api/v1/documents?q=cach%20ly%20tap%20trung&kind=cong_dien');
    assert.equal(res.status, 200);
    const list = res.json<{ documents: { id: number; number: string; kind: string; snippet: string }[] }>().documents;
    assert.ok(list.length >= 2 && list.every((d) => d.kind === 'cong_dien'));
    assert.match(list[0]!.snippet, /⟦cách⟧ ⟦ly⟧ ⟦tập⟧ ⟦trung⟧/);
    const one = await c.get(`/api/v1/documents/${list[0]!.id}`);
    assert.equal(one.json<{ number: string }>().number, list[0]!.number);
    const doc = await c.get('/api/v1/openapi.json');
    assert.ok(doc.json<{ paths: Record<string, unknown> }>().paths['/api/v1/documents']);
  });
});
