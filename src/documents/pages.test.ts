// The documents feature over HTTP, part two: correcting a registered document's header, paper
// documents registered from their scans (images, PDFs without a text layer), the accepted file
// types as the pages state them, the "Văn bản" link in the site navigation, the clerk's home tile,
// and the register shown a month and 50 rows at a time (the printable register and the .xlsx keep
// the whole year).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type Client, type TestApp } from '../../test/kit/app.ts';
import { unitByCode, unitByName } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { queryRows } from '../core/db/client.ts';
import { createPdf, pdfBuffer } from '../core/pdf/pdf.ts';
import { readXlsx } from '../core/xlsx/index.ts';
import { registerDocument } from './documents.ts';
import { documents, registerEntries } from './schema.ts';
import { asParts, formFields, postMultipart } from './testing.ts';
import { ATTACHMENT_EXTENSIONS } from './uploads.ts';
import { makeDocx } from './parser/fixtures/docx.ts';
import { validateDocument } from './validation.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\u0000scan'), Buffer.alloc(64, 7)]);
const docByNumber = async (number: string) => (await t.database.db.select().from(documents).where(eq(documents.number, number)))[0]!;
const docCount = async () => Number((await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from documents`))[0]!.n);
const fetchBytes = async (c: Client, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });

/** A PDF of one page with a drawing and no text layer: what a scanner makes. */
async function scannedPdf(): Promise<Buffer> {
  const pdf = createPdf({ title: 'scan' });
  pdf.rect(50, 50, 400, 300).fill('#777777');
  return pdfBuffer(pdf);
}

describe('correcting a registered document', () => {
  test('the clerk corrects the header on its own page; the library, register and audit log follow', async () => {
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const doc = await docByNumber('583/CD-BYT');
    const page = await c.get(`/documents/${doc.id}`);
    assert.match(page.body, new RegExp(`href="/documents/${doc.id}/edit"`), 'the document page offers the correction');
    const form = await c.get(`/documents/${doc.id}/edit`);
    assert.equal(form.status, 200);
    const fields = formFields(form.body, 'correct-form');
    assert.equal(fields.number, '583/CD-BYT');
    assert.equal(fields.urgency, '');
    assert.ok(fields.version && fields.text!.length > 100, 'the full text comes with the form');
    // A wrong date is refused with its message, the clerk's other corrections kept.
    const bad = await postMultipart(c, t.app, `/documents/${doc.id}/edit`, asParts({ ...fields, subject: 'Về tăng cường phòng, chống dịch (đã sửa)', date: '31/02/2021' }));
    assert.equal(bad.status, 422);
    assert.match(text(bad.body), /Ngày ban hành: Ngày không hợp lệ/);
    assert.equal(formFields(bad.body, 'correct-form').subject, 'Về tăng cường phòng, chống dịch (đã sửa)');
    const saved = await postMultipart(c, t.app, `/documents/${doc.id}/edit`, asParts({ ...fields, subject: 'Về tăng cường phòng, chống dịch (đã sửa)', urgency: 'thuong_khan' }));
    assert.equal(saved.status, 303, text(saved.body).slice(0, 300));
    const after = text((await c.get(String(saved.headers.location))).body);
    assert.match(after, /Đã lưu phần đầu văn bản\. Đã sửa: Độ khẩn, Trích yếu nội dung\./);
    assert.match(after, /Về tăng cường phòng, chống dịch \(đã sửa\)/);
    const [entry] = await t.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'document.correct'), eq(auditLog.entityId, String(doc.id))));
    assert.deepEqual((entry!.before as Record<string, unknown>).urgency, null);
    assert.deepEqual((entry!.after as Record<string, unknown>).urgency, 'thuong_khan');
    // Now flagged at the top of the register.
    const reg = await c.get(`/documents/registers/${doc.unitId}`);
    assert.match(/<section class="urgent"[\s\S]*?<\/section>/.exec(reg.body)![0], /583\/CD-BYT/);
    // The same form sent again is stale: it is refused and shows the latest version.
    const stale = await postMultipart(c, t.app, `/documents/${doc.id}/edit`, asParts({ ...fields, subject: 'Một bản sửa từ trang cũ' }));
    assert.equal(stale.status, 409);
    assert.match(text(stale.body), /vừa được người khác sửa/);
    assert.equal(formFields(stale.body, 'correct-form').subject, 'Về tăng cường phòng, chống dịch (đã sửa)');
  });

  test('a duplicate number is refused with a link to the document that has it', async () => {
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const doc = await docByNumber('107/TB-UBND');
    const other = await docByNumber('89/TB-VPCP');
    const fields = formFields((await c.get(`/documents/${doc.id}/edit`)).body, 'correct-form');
    const res = await postMultipart(c, t.app, `/documents/${doc.id}/edit`, asParts({ ...fields, number: '89/TB-VPCP', issuer: 'Văn phòng Chính phủ' }));
    assert.equal(res.status, 409);
    assert.match(text(res.body), /Văn bản số 89\/TB-VPCP của Văn phòng Chính phủ đã có trong sổ của đơn vị này/);
    assert.match(res.body, new RegExp(`href="/documents/${other.id}"`));
    assert.equal((await docByNumber('107/TB-UBND')).id, doc.id);
  });

  test('only the clerks of the office correct: a committee member, another commune and a member are refused', async () => {
    const doc = await docByNumber('89/TB-VPCP');
    const committee = await loggedIn(t.app, 'bantochuc');
    assert.equal((await committee.get(`/documents/${doc.id}`)).status, 200);
    assert.ok(!(await committee.get(`/documents/${doc.id}`)).body.includes(`/documents/${doc.id}/edit`));
    assert.equal((await committee.get(`/documents/${doc.id}/edit`)).status, 403);
    assert.equal((await postMultipart(committee, t.app, `/documents/${doc.id}/edit`, asParts({ subject: 'x' }))).status, 403);
    const commune = await loggedIn(t.app, '0912000102');
    assert.equal((await commune.get(`/documents/${doc.id}/edit`)).status, 403);
    const member = await loggedIn(t.app, '0912000301');
    assert.equal((await member.get(`/documents/${doc.id}/edit`)).status, 403);
  });

  test('a clerk above who classifies a commune’s document is sent to the register: only that office reads it now', async () => {
    const dongTho = await unitByName(t.database.db, 'Đảng ủy xã Đông Thọ');
    const v = validateDocument({ direction: 'incoming', number: '9-CV/HU', kind: 'cong_van', issuer: 'Huyện ủy Đông Hưng', subject: 'Về công tác cán bộ', entryDate: '02/02/2022', text: 'Số 9-CV/HU\nV/v công tác cán bộ\n\nNội dung.' }, 'vi');
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const r = await registerDocument(t.database.db, SYSTEM_CONTEXT, { unitId: dongTho.id, input: v.value });
    const province = await loggedIn(t.app, 'vanthu.tinhuy');
    const fields = formFields((await province.get(`/documents/${r.document.id}/edit`)).body, 'correct-form');
    const res = await postMultipart(province, t.app, `/documents/${r.document.id}/edit`, asParts({ ...fields, secrecy: 'mat' }));
    assert.equal(res.status, 303);
    assert.match(String(res.headers.location), new RegExp(`^/documents/registers/${dongTho.id}\\?`));
    assert.match(text((await province.get(String(res.headers.location))).body), /Văn bản nay là văn bản mật/);
    assert.equal((await province.get(`/documents/${r.document.id}`)).status, 403);
    const clerk = await loggedIn(t.app, '0912000102');
    assert.equal((await clerk.get(`/documents/${r.document.id}`)).status, 200);
  });
});

describe('paper documents and scans', () => {
  test('the file fields state exactly the accepted types', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy xã Vũ Phúc');
    const c = await loggedIn(t.app, '0912000122');
    const start = await c.get(`/documents/intake/${commune.id}`);
    assert.match(text(start.body), /Nhận tệp \.txt, \.md, \.docx, \.pdf, \.jpg, \.jpeg, \.png; mỗi tệp tối đa 20 MB\./);
    assert.match(start.body, /name="file" accept="\.txt,\.md,\.docx,\.pdf,\.jpg,\.jpeg,\.png"/);
    const form = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'direction', value: 'incoming' }, { name: 'manual', value: '1' }]);
    assert.equal(form.status, 200);
    const body = text(form.body);
    assert.match(body, new RegExp(`Nhận tệp ${ATTACHMENT_EXTENSIONS.join(', ').replace(/\./g, '\\.')}; mỗi tệp tối đa 20 MB\\.`));
    assert.match(body, /Văn bản giấy: đính kèm bản quét\. Nhận tệp \.pdf, \.jpg, \.jpeg, \.png; tối đa 20 MB\./);
    assert.match(form.body, /name="source" accept="\.pdf,\.jpg,\.jpeg,\.png"/);
  });

  test('an uploaded .docx is read, parsed into the form, and kept as the original file', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy xã Vũ Phúc');
    const c = await loggedIn(t.app, '0912000122');
    await c.get(`/documents/intake/${commune.id}`);
    const docx = makeDocx(['ỦY BAN NHÂN DÂN', 'HUYỆN VŨ THƯ', 'Số: 21/GM-UBND', 'Vũ Thư, ngày 14 tháng 5 năm 2024', 'GIẤY MỜI', 'Dự họp triển khai nhiệm vụ quý II', 'Kính gửi: Đảng ủy các xã', 'Thời gian: 8 giờ 00 ngày 16/5/2024.', 'Nơi nhận:', '- Như trên;', '- Lưu: VT.', 'CHỦ TỊCH', 'Trịnh Văn Lộc']);
    const read = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'direction', value: 'incoming' }, { name: 'file', fileName: 'giay-moi-21.docx', content: docx }]);
    assert.equal(read.status, 200, text(read.body).slice(0, 300));
    const fields = formFields(read.body, 'intake-form');
    assert.deepEqual([fields.number, fields.kind, fields.date, fields.subject, fields.signer], ['21/GM-UBND', 'giay_moi', '14/05/2024', 'Dự họp triển khai nhiệm vụ quý II', 'Trịnh Văn Lộc']);
    const saved = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, asParts({ ...fields, entryDate: '15/05/2024' }));
    assert.equal(saved.status, 303, text(saved.body).slice(0, 400));
    assert.match(text((await c.get(String(saved.headers.location))).body), /giay-moi-21\.docx · Tệp gốc/);
  });

  test('a PDF without a text layer: the page says it is a scan, keeps it as the original, and the clerk types the header', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy xã Vũ Phúc');
    const c = await loggedIn(t.app, '0912000122');
    await c.get(`/documents/intake/${commune.id}`);
    const read = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'direction', value: 'incoming' }, { name: 'file', fileName: 'cong-van-quet.pdf', content: await scannedPdf(), type: 'application/pdf' }]);
    assert.equal(read.status, 200, text(read.body).slice(0, 300));
    const body = text(read.body);
    assert.match(body, /Tệp PDF này là ảnh quét, không có chữ: hãy nhập các thông tin ở tiêu đề và đính kèm tệp\./);
    assert.match(body, /Tệp “cong-van-quet\.pdf” đã được giữ làm tệp gốc \(bản quét\)/);
    assert.doesNotMatch(body, /Hãy dán nội dung văn bản hoặc tải lên tệp/);
    const fields = formFields(read.body, 'intake-form');
    assert.ok(fields.sourceId);
    assert.equal(fields.text, '');
    const saved = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, asParts({ ...fields, number: '25-CV/HU', kind: 'cong_van', issuer: 'Huyện ủy Vũ Thư', date: '03/03/2022', subject: 'Về việc chuẩn bị đại hội chi bộ', urgency: 'khan', entryDate: '04/03/2022' }));
    assert.equal(saved.status, 303, text(saved.body).slice(0, 400));
    const page = await c.get(String(saved.headers.location));
    const shown = text(page.body);
    assert.match(shown, /Đã vào sổ văn bản đến, số đến 1\./);
    assert.match(shown, /Văn bản này được vào sổ từ bản quét, không có chữ\. Xem bản quét: cong-van-quet\.pdf/);
    const href = /href="(\/documents\/\d+\/files\/\d+)"/.exec(page.body)![1]!;
    const file = await fetchBytes(c, href);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.ok(file.rawPayload.subarray(0, 5).toString('latin1') === '%PDF-' && file.rawPayload.length > 500, 'the scan comes back as it was uploaded');
    // Found by its typed header.
    const found = await c.get('/api/v1/documents?q=chuan%20bi%20dai%20hoi%20chi%20bo');
    assert.equal(found.json<{ documents: { number: string }[] }>().documents[0]?.number, '25-CV/HU');
  });

  test('a scanned image (.jpg) is kept as the original; typing the header in by hand, with the scan uploaded on the form', async () => {
    const commune = await unitByName(t.database.db, 'Đảng ủy xã Vũ Phúc');
    const c = await loggedIn(t.app, '0912000122');
    await c.get(`/documents/intake/${commune.id}`);
    const read = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'direction', value: 'incoming' }, { name: 'file', fileName: 'giay-moi.jpg', content: JPEG, type: 'image/jpeg' }]);
    assert.equal(read.status, 200);
    assert.match(text(read.body), /Ảnh quét không có chữ để đọc tự động: hãy nhập các thông tin ở tiêu đề văn bản\. Tệp “giay-moi\.jpg” đã được giữ làm tệp gốc/);
    const fields = formFields(read.body, 'intake-form');
    const saved = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, asParts({ ...fields, number: '12/GM-UBND', kind: 'giay_moi', issuer: 'UBND huyện Vũ Thư', subject: 'Mời dự hội nghị sơ kết', entryDate: '05/03/2022' }));
    assert.equal(saved.status, 303, text(saved.body).slice(0, 400));
    assert.match(text((await c.get(String(saved.headers.location))).body), /giay-moi\.jpg · Tệp gốc/);

    // "Nhập tay": no file at the first step; the scan comes with the form. Without text or scan, the form says what is missing.
    const manual = await postMultipart(c, t.app, `/documents/intake/${commune.id}/read`, [{ name: 'direction', value: 'incoming' }, { name: 'manual', value: '1' }]);
    assert.equal(manual.status, 200);
    assert.doesNotMatch(text(manual.body), /Không tìm thấy văn bản nào/);
    const blank = formFields(manual.body, 'intake-form');
    const header = { ...blank, number: '13/GM-UBND', kind: 'giay_moi', issuer: 'UBND huyện Vũ Thư', subject: 'Mời dự hội nghị tổng kết', entryDate: '06/03/2022' };
    const before = await docCount();
    const missing = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, asParts(header));
    assert.equal(missing.status, 422);
    assert.match(text(missing.body), /với văn bản giấy, hãy đính kèm bản quét \(\.pdf, \.jpg, \.jpeg, \.png\)/);
    const wrong = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, [...asParts(header), { name: 'source', fileName: 'quet.docx', content: Buffer.from('PK\u0003\u0004') }]);
    assert.equal(wrong.status, 422);
    assert.match(text(wrong.body), /Tệp “quet\.docx” không dùng được làm tệp văn bản: chỉ nhận \.pdf, \.jpg, \.jpeg, \.png\./);
    assert.equal(await docCount(), before);
    const ok = await postMultipart(c, t.app, `/documents/intake/${commune.id}`, [...asParts(header), { name: 'source', fileName: 'quet.png', content: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 1)]), type: 'image/png' }]);
    assert.equal(ok.status, 303, text(ok.body).slice(0, 400));
    const shown = text((await c.get(String(ok.headers.location))).body);
    assert.match(shown, /Xem bản quét: quet\.png/);
    assert.match(shown, /quet\.png · Tệp gốc/);
  });
});

describe('navigation and the home tile', () => {
  test('people who may read the library get a "Văn bản" link on every page; members do not', async () => {
    const clerk = await loggedIn(t.app, '0912000102');
    const home = await clerk.get('/');
    const nav = /<nav[^>]*class="main-nav"[\s\S]*?<\/nav>/.exec(home.body)![0];
    assert.match(nav, /<a href="\/documents">Văn bản<\/a>/);
    const account = await clerk.get('/account');
    assert.match(/<nav[^>]*class="main-nav"[\s\S]*?<\/nav>/.exec(account.body)![0], /href="\/documents"/);
    const member = await loggedIn(t.app, '0912000301');
    assert.doesNotMatch(/<nav[^>]*class="main-nav"[\s\S]*?<\/nav>/.exec((await member.get('/')).body)![0], /href="\/documents"/);
  });

  test('the clerk’s tile counts every pending urgent document, KHẨN included, and says which', async () => {
    const province = await unitByCode(t.database.db, 'TB');
    const pending = await queryRows<{ urgency: string; n: number }>(
      t.database.db,
      sql`select d.urgency, count(*)::int as n from register_entries e join documents d on d.id = e.document_id where e.unit_id = ${province.id} and e.handled_at is null and d.urgency is not null group by 1`,
    );
    const n = (u: string) => Number(pending.find((p) => p.urgency === u)?.n ?? 0);
    assert.ok(n('khan') >= 1, 'the demo has a pending KHẨN document (1440/UBND-KGVX)');
    const total = n('hoa_toc') + n('thuong_khan') + n('khan');
    const c = await loggedIn(t.app, 'vanthu.tinhuy');
    const home = text((await c.get('/')).body);
    const parts = [n('hoa_toc') ? `${n('hoa_toc')} hỏa tốc` : '', n('thuong_khan') ? `${n('thuong_khan')} thượng khẩn` : '', n('khan') ? `${n('khan')} khẩn` : ''].filter(Boolean).join(', ');
    assert.ok(home.includes(`${total} văn bản khẩn chưa xử lý: ${parts}`), home);
  });
});

describe('registers a month at a time', () => {
  test('a month with more than 50 entries is paged; the printable register and the .xlsx hold the whole year', async () => {
    const unit = await unitByName(t.database.db, 'Đảng ủy phường Phú Khánh');
    for (let i = 1; i <= 57; i++) {
      const day = String(1 + (i % 27)).padStart(2, '0');
      const v = validateDocument({ direction: 'incoming', number: `${i}/CV-SYT`, kind: 'cong_van', issuer: 'Sở Y tế tỉnh Thái Bình', date: `${day}/03/2023`, subject: `Về việc báo cáo số ${i}`, text: `Số: ${i}/CV-SYT\nNội dung ${i}.`, entryDate: `${day}/03/2023` }, 'vi');
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      await registerDocument(t.database.db, SYSTEM_CONTEXT, { unitId: unit.id, input: v.value });
    }
    for (const [i, d] of [[58, '10/04/2023'], [59, '11/04/2023']] as const) {
      const v = validateDocument({ direction: 'incoming', number: `${i}/CV-SYT`, kind: 'cong_van', issuer: 'Sở Y tế tỉnh Thái Bình', date: d, subject: `Về việc báo cáo số ${i}`, text: `Nội dung ${i}.`, entryDate: d }, 'vi');
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      await registerDocument(t.database.db, SYSTEM_CONTEXT, { unitId: unit.id, input: v.value });
    }
    const c = await loggedIn(t.app, '0912000112');
    const rows = (html: string) => [...html.matchAll(/<td data-label="Số đến">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    // The latest month first.
    const latest = await c.get(`/documents/registers/${unit.id}?year=2023`);
    assert.deepEqual(rows(latest.body), [58, 59]);
    assert.match(text(latest.body), /Tháng 3 \(57\)/);
    assert.match(text(latest.body), /Tháng 4\/2023: 2 văn bản\./);
    const march = await c.get(`/documents/registers/${unit.id}?direction=incoming&year=2023&month=3`);
    assert.equal(rows(march.body).length, 50);
    assert.match(text(march.body), /Tháng 3\/2023: 57 văn bản, đang xem 1–50\./);
    const next = /<a href="([^"]+)" rel="next">/.exec(march.body)![1]!.replace(/&amp;/g, '&');
    const page2 = await c.get(next);
    assert.deepEqual(rows(page2.body), [51, 52, 53, 54, 55, 56, 57]);
    assert.ok(march.body.length < 80_000, `one page is ${march.body.length} bytes`);
    assert.match(text((await c.get(`/documents/registers/${unit.id}?year=2023&month=2`)).body), /Tháng 2\/2023 không có văn bản nào trong sổ: chọn một tháng ở trên\./);
    const print = await c.get(`/documents/registers/${unit.id}/print?direction=incoming&year=2023`);
    assert.deepEqual(rows(print.body), Array.from({ length: 59 }, (_, i) => i + 1));
    process.stdout.write(`# register screen: 50 rows in ${march.body.length} bytes (a month's page); the printable year of 59 rows ${print.body.length} bytes\n`);
    const xlsx = await fetchBytes(c, `/documents/registers/${unit.id}/export.xlsx?direction=incoming&year=2023`);
    const sheet = await readXlsx(xlsx.rawPayload);
    assert.equal(sheet.rows.length, 60, 'the header and 59 rows');
    const count = await t.database.db.select({ id: registerEntries.id }).from(registerEntries).where(and(eq(registerEntries.unitId, unit.id), eq(registerEntries.year, 2023)));
    assert.equal(count.length, 59);
  });
});
