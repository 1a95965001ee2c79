// Importing members from .xlsx and .csv through HTTP, on a real database: the preview shows
// every row's errors by row and column; duplicate cards are errors, shared phones warnings;
// nothing is written unless the whole file is valid or the user asks for the valid rows only;
// wrong, oversized and broken files are refused clearly; only those who manage the unit may.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { and, count, eq, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Client, finishStartup, loggedIn, testConfig, text } from '../../test/kit/app.ts';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { createServer } from '../server.ts';
import type { JobQueue } from '../core/jobs/queue.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { createUnit } from '../org/tree.ts';
import { units, type Unit } from '../org/schema.ts';
import { memberEvents, memberImports, members, people } from './schema.ts';
import { createMember } from './members.ts';
import type { ImportAnalysis } from './import.ts';

type Harness = { app: FastifyInstance; database: TestDatabase; jobs: JobQueue; close: () => Promise<void> };

/** Like the kit's testApp, but keeps the job queue so a test can run it (SOTAY_WORKERS is off). */
async function harness(config: Record<string, string> = {}): Promise<Harness> {
  const database = await testDatabase({ demo: true });
  const { app, jobs } = await createServer(testConfig(config), { database, logger: process.env.IMPORT_TEST_LOG ? { level: 'error' } : false });
  await app.ready();
  await finishStartup(jobs);
  return {
    app,
    database,
    jobs,
    close: async () => {
      await jobs.stop();
      await app.close();
      await database.close();
    },
  };
}

/** Posts a file the way a browser's multipart form does, CSRF token in the query string. */
async function upload(c: Client, unitId: number, fileName: string, content: Buffer, type = 'application/octet-stream') {
  const boundary = `----sotay${crypto.randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await c.app.inject({
    method: 'POST',
    url: `/admin/people/import?unit=${unitId}&_csrf=${encodeURIComponent(c.csrf)}`,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  return { status: res.statusCode, body: res.body, location: String(res.headers.location ?? '') };
}

async function xlsx(rows: unknown[][], opts: { title?: string } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  if (opts.title) {
    ws.addRow([opts.title]);
    ws.addRow([]);
  }
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = ['STT', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Ngày vào Đảng', 'Ngày chính thức', 'Số thẻ đảng viên', 'Chi bộ', 'Chức vụ', 'Điện thoại', 'Email', 'Chính thức/Dự bị', 'Miễn sinh hoạt', 'Loại điện thoại'];

let h: Harness;
let committee: Client;
let dt1: Unit;
let dt2: Unit;
let commune: Unit;
let seq = 0;
const db = () => h.database.db;

/** A fresh empty cell under Đảng ủy xã Đông Thọ. */
async function emptyCell(): Promise<Unit> {
  return db().transaction((tx) => createUnit(tx, SYSTEM_CONTEXT, { parentId: commune.id, kind: 'cell', name: `Chi bộ thử nhập ${++seq}`, code: `TB-DT-T${seq}-${crypto.randomBytes(2).toString('hex')}` }));
}
const membersIn = async (unitId: number) => Number((await db().select({ n: count() }).from(members).where(eq(members.unitId, unitId)))[0]!.n);
const importsIn = async (unitId: number) => Number((await db().select({ n: count() }).from(memberImports).where(eq(memberImports.unitId, unitId)))[0]!.n);
async function importRow(location: string) {
  const id = Number(/\/admin\/people\/import\/(\d+)$/.exec(location)?.[1]);
  assert.ok(id > 0, `redirected to ${location}`);
  const [row] = await db().select().from(memberImports).where(eq(memberImports.id, id));
  return { id, row: row!, analysis: row!.report as ImportAnalysis };
}

/** A unique, valid card number for generated rows. */
const card = () => String(70_000_000 + Math.floor(Math.random() * 9_000_000) + seq * 10);

before(async () => {
  h = await harness();
  committee = await loggedIn(h.app, '0912000101');
  dt1 = await unitByCode(db(), 'TB-DT-1');
  dt2 = await unitByCode(db(), 'TB-DT-2');
  commune = await unitByCode(db(), 'TB-DT');
});
after(() => h?.close());

describe('preview', () => {
  test('a file full of mistakes: every row’s errors by row number and column, nothing written', async () => {
    const before = Number((await db().select({ n: count() }).from(members))[0]!.n);
    const file = await xlsx(
      [
        ['stt', 'ho ten', 'NGAY SINH', 'gioi tinh', 'ngay vao dang', 'ngay chinh thuc', 'so the', 'chi bo', 'chuc vu', 'SĐT', 'email', 'chinh thuc/du bi', 'mien sinh hoat', 'ghi chú'],
        [1, '', '01/01/1960', 'Nam', '', '', '', 'Chi bộ thôn Đông Thọ'],
        [2, 'Nguyễn', '01/01/1960', 'Nam', '', '', '', 'Chi bộ thôn Đông Thọ'],
        [3, 'Trần Văn Ba', '31/02/1960', 'Nam', '', '', '', 'chi bo thon dong tho'],
        [4, 'Lê Thị Bốn', '01/01/1960', 'X', '', '', '', 'TB-DT-2'],
        [5, 'Phạm Văn Năm', '01/01/1960', 'Nam', '', '', '', String(dt2.id), '', '12345'],
        [6, 'Hoàng Thị Sáu', '01/01/1960', 'Nữ', '', '', 'ABC', 'thon Tong Vu', '', '', 'khong-phai-email'],
        [7, 'Vũ Văn Bảy', '01/01/1960', 'Nam', '03/02/1990', '01/01/1989', '', 'Chi bộ thôn Tống Vũ', '', '', '', 'Chính thức'],
        [8, 'Đỗ Văn Tám', '01/01/1960', 'Nam', '', '', '', 'Chi bộ không có', '', '', '', 'Khác', 'có lẽ'],
        [9, 'Ngô Văn Chín', '01/01/2099', 'Nam', '', '', '', 'Đảng ủy xã Đông Thọ'],
        [10, 'Bùi Thị Mười', '02/09/1975', 'Nữ', '02/09/2000', '02/09/2001', '', 'Chi bộ thôn Đông Thọ', '', '0915000010', 'muoi@example.vn', 'Chính thức', 'Không'],
      ],
      { title: 'DANH SÁCH ĐẢNG VIÊN ĐẢNG BỘ XÃ ĐÔNG THỌ' },
    );
    const res = await upload(committee, commune.id, 'sai-nhieu.xlsx', file);
    assert.equal(res.status, 303, res.body.slice(0, 500));
    const { analysis, row } = await importRow(res.location);
    assert.equal(row.status, 'previewed');
    assert.equal(analysis.headerRow, 3);
    assert.equal(analysis.totalRows, 10);
    assert.equal(analysis.validRows, 1);
    assert.equal(analysis.errorRows, 9);
    const errorsOf = (r: number) => analysis.rows.find((x) => x.row === r)?.errors.map((e) => `${e.column}: ${e.message}`) ?? [];
    // Excel rows: title (1), blank (2), header (3), data from 4.
    assert.deepEqual(errorsOf(4), ['fullName: Không được để trống.']);
    assert.match(errorsOf(5).join(), /fullName: Họ và tên phải có ít nhất hai từ/);
    assert.match(errorsOf(6).join(), /birthDate: Ngày này không có trên lịch/);
    assert.match(errorsOf(7).join(), /gender: Giới tính phải là "Nam" hoặc "Nữ"/);
    assert.match(errorsOf(8).join(), /phone: Số điện thoại không hợp lệ/);
    assert.match(errorsOf(9).join(), /email: Email không hợp lệ/);
    assert.match(errorsOf(9).join(), /cardNumber: Số thẻ đảng viên chỉ gồm chữ số/);
    assert.match(errorsOf(10).join(), /officialOn: Ngày chính thức phải sau ngày vào Đảng/);
    assert.match(errorsOf(11).join(), /unit: Không tìm thấy chi bộ này/);
    assert.match(errorsOf(11).join(), /standing: Phải là "Chính thức" hoặc "Dự bị"/);
    assert.match(errorsOf(11).join(), /exempt: Phải là "Có" hoặc "Không"/);
    assert.match(errorsOf(12).join(), /birthDate: Ngày không được ở tương lai/);
    assert.match(errorsOf(12).join(), /unit: Đơn vị này không phải chi bộ/);
    assert.deepEqual(errorsOf(13), []);
    assert.ok(analysis.notices.some((n) => n.includes('"stt"') && n.includes('"ghi chú"')), analysis.notices.join(' | '));

    // The page names each row and the column as the file wrote it, in Vietnamese.
    const page = await committee.get(res.location);
    assert.equal(page.status, 200);
    const body = text(page.body);
    assert.match(body, /Xem trước khi nhập/);
    assert.match(body, /6 Trần Văn Ba C \(NGAY SINH\) Lỗi: Ngày này không có trên lịch/);
    assert.match(body, /8 Phạm Văn Năm J \(SĐT\) Lỗi: Số điện thoại không hợp lệ/);
    assert.match(body, /11 Đỗ Văn Tám H \(chi bo\) Lỗi: Không tìm thấy chi bộ này trong đơn vị đang nhập/);
    assert.match(body, /Tệp còn 9 dòng có lỗi/);
    assert.match(body, /Chỉ nhập các dòng hợp lệ \(1 dòng\)/);
    assert.doesNotMatch(body, /Nhập 1 đảng viên/);
    assert.equal(Number((await db().select({ n: count() }).from(members))[0]!.n), before, 'the preview writes no member');
  });

  test('into a committee, "Chi bộ" names a cell of its subtree by name (any diacritics), code or id', async () => {
    const rows = [HEADER, [1, 'Cao Văn Một', '01/01/1970', 'Nam', '', '', '', 'CHI BO THON DONG THO'], [2, 'Cao Văn Hai', '01/01/1970', 'Nam', '', '', '', 'TB-DT-2'], [3, 'Cao Văn Ba', '01/01/1970', 'Nam', '', '', '', String(dt2.id)], [4, 'Cao Văn Bốn', '01/01/1970', 'Nam', '', '', '', 'thôn Tống Vũ']];
    const { analysis } = await importRow((await upload(committee, commune.id, 'chi-bo.xlsx', await xlsx(rows))).location);
    assert.equal(analysis.errorRows, 0, JSON.stringify(analysis.rows));
    assert.deepEqual(analysis.sample.map((s) => s.unitName), ['Chi bộ thôn Đông Thọ', 'Chi bộ thôn Tống Vũ', 'Chi bộ thôn Tống Vũ', 'Chi bộ thôn Tống Vũ']);
    // Another commune's cell is not in this subtree.
    const other = await unitByCode(db(), 'TB-PK-1');
    const { analysis: a2 } = await importRow((await upload(committee, commune.id, 'x.xlsx', await xlsx([HEADER, [1, 'Cao Văn Năm', '', '', '', '', '', other.code]]))).location);
    assert.match(a2.rows[0]!.errors[0]!.message, /Không tìm thấy chi bộ này/);
    // Without a "Chi bộ" column, a committee import cannot place anyone.
    const { analysis: a3 } = await importRow((await upload(committee, commune.id, 'x.xlsx', await xlsx([['Họ và tên', 'Ngày sinh'], ['Cao Văn Sáu', '01/01/1970']]))).location);
    assert.equal(a3.errorRows, 1);
    assert.match(a3.notices[0]!, /Tệp không có cột "Chi bộ"/);
  });

  test('a duplicate card number is an error (in the database or twice in the file); a shared phone only a warning', async () => {
    const cell = await emptyCell();
    const [existing] = await db().select({ card: members.cardNumber, phone: people.phone, name: people.fullName }).from(members).innerJoin(people, eq(people.id, members.personId)).where(and(eq(members.unitId, dt1.id), like(people.phone, '0987%')));
    assert.ok(existing?.card && existing.phone);
    const c1 = card();
    const rows = [
      HEADER,
      [1, 'Đinh Văn Một', '01/01/1950', 'Nam', '01/01/1980', '01/01/1981', existing.card],
      [2, 'Đinh Văn Hai', '01/01/1950', 'Nam', '01/01/1980', '01/01/1981', c1],
      [3, 'Đinh Văn Ba', '01/01/1950', 'Nam', '01/01/1980', '01/01/1981', c1],
      [4, 'Đinh Văn Bốn', '01/01/1950', 'Nam', '', '', '', '', '', existing.phone],
      [5, 'Lò Văn Năm', '01/01/1950', 'Nam', '', '', '', '', '', '0916000005'],
      [6, 'Lò Thị Sáu', '01/01/1950', 'Nữ', '', '', '', '', '', Number('916000005')],
    ];
    const res = await upload(committee, cell.id, 'trung.xlsx', await xlsx(rows));
    const { analysis } = await importRow(res.location);
    const of = (r: number) => analysis.rows.find((x) => x.row === r);
    assert.match(of(2)!.errors.map((e) => e.message).join(), /Số thẻ đảng viên đã có trong hệ thống/);
    assert.deepEqual(of(3)!.errors.map((e) => e.message), ['Số thẻ đảng viên trùng với dòng 4 trong tệp.']);
    assert.deepEqual(of(4)!.errors.map((e) => e.message), ['Số thẻ đảng viên trùng với dòng 3 trong tệp.']);
    // Shared phones: warnings, and the rows stay valid. The couple in the demo cell is named (same commune).
    assert.deepEqual(of(5)!.errors, []);
    assert.match(of(5)!.warnings.map((w) => w.message).join(), new RegExp(`dùng chung với .*${existing.name}`));
    assert.deepEqual(of(6)!.errors, []);
    assert.match(of(6)!.warnings[0]!.message, /dùng chung với dòng 7 \(Lò Thị Sáu\)/);
    assert.deepEqual(of(7)!.errors, [], 'a phone typed as a number lost its zero and got it back');
    assert.match(of(7)!.warnings[0]!.message, /dùng chung với dòng 6 \(Lò Văn Năm\)/);
    assert.equal(analysis.validRows, 3);
    assert.equal(analysis.errorRows, 3);
    const page = text((await committee.get(res.location)).body);
    assert.match(page, /Lưu ý: Số điện thoại dùng chung với/);
    assert.match(page, /G \(Số thẻ đảng viên\) Lỗi: Số thẻ đảng viên trùng với dòng 4 trong tệp/);
  });

  test('csv: BOM, semicolons, headers without diacritics, dates as text', async () => {
    const cell = await emptyCell();
    const csv = Buffer.from('\uFEFFho va ten;ngay sinh;gioi tinh;so dien thoai\r\nPhan Văn Tư;2/9/1955;nam;912345678\r\nPhan Thị Hà;"02/09/1957";nữ;\r\n', 'utf8');
    const res = await upload(committee, cell.id, 'danh-sach.csv', csv, 'text/csv');
    const { analysis } = await importRow(res.location);
    assert.equal(analysis.format, 'csv');
    assert.equal(analysis.errorRows, 0, JSON.stringify(analysis.rows));
    assert.equal(analysis.validRows, 2);
    assert.equal(analysis.sample[0]!.birthDate, '1955-09-02');
  });
});

describe('confirming', () => {
  test('all or nothing: a file with errors cannot be imported whole; only the valid rows when chosen', async () => {
    const cell = await emptyCell();
    const good = [card(), card(), card()];
    const rows = [HEADER, [1, 'Tô Văn Một', '01/01/1960', 'Nam', '01/01/1990', '01/01/1991', good[0]], [2, 'Tô Văn Hai', '01/01/1960', 'Nam', '01/01/1990', '01/01/1991', good[1]], [3, 'Tô', 'sai', 'Nam'], [4, 'Tô Văn Bốn', '01/01/1960', 'Nam', '01/01/1990', '01/01/1991', good[2]]];
    const { id } = await importRow((await upload(committee, cell.id, 'mot-loi.xlsx', await xlsx(rows))).location);
    await committee.get(`/admin/people/import/${id}`);
    const all = await committee.post(`/admin/people/import/${id}/confirm`, { mode: 'all' });
    assert.equal(all.status, 422);
    assert.match(text(all.body), /Tệp còn dòng có lỗi, nên không thể nhập tất cả/);
    assert.equal(await h.jobs.runOnce(), 0, 'nothing was queued');
    assert.equal(await membersIn(cell.id), 0);

    const valid = await committee.post(`/admin/people/import/${id}/confirm`, { mode: 'valid' });
    assert.equal(valid.status, 303);
    const waiting = await committee.get(`/admin/people/import/${id}`);
    assert.equal(waiting.headers.refresh, '3', 'the progress page refreshes itself without JavaScript');
    assert.match(waiting.body, /data-refresh-seconds="3"/);
    assert.match(text(waiting.body), /Đang chờ đến lượt chạy/);
    assert.equal(await h.jobs.runOnce(), 1);
    assert.equal(await membersIn(cell.id), 3);
    const [imp] = await db().select().from(memberImports).where(eq(memberImports.id, id));
    assert.equal(imp!.status, 'done');
    assert.equal(imp!.importedRows, 3);
    const done = text((await committee.get(`/admin/people/import/${id}`)).body);
    assert.match(done, /Đã nhập 3 đảng viên vào Chi bộ thử nhập/);
    assert.match(done, /1 dòng có lỗi đã bị bỏ qua/);
    // A second confirmation does nothing.
    assert.equal((await committee.post(`/admin/people/import/${id}/confirm`, { mode: 'valid' })).status, 303);
    assert.equal(await h.jobs.runOnce(), 0);
    assert.equal(await membersIn(cell.id), 3);
  });

  test('a valid file is imported whole through the job queue, with events and audit entries', async () => {
    const cell = await emptyCell();
    const n = 120;
    const rows: unknown[][] = [HEADER];
    for (let i = 0; i < n; i++) rows.push([i + 1, `Kiều Văn Số ${String.fromCharCode(65 + (i % 26))}${i}`.replace(/\d/g, ''), new Date(Date.UTC(1940 + (i % 30), i % 12, 1 + (i % 27))), i % 2 ? 'Nữ' : 'Nam', '02/09/1990', '02/09/1991', card() + i, '', i === 0 ? 'Bí thư chi bộ' : '', '', '', 'Chính thức', i % 10 === 0 ? 'Có' : '', '']);
    const { id, analysis } = await importRow((await upload(committee, cell.id, 'hop-le.xlsx', await xlsx(rows))).location);
    assert.equal(analysis.errorRows, 0, JSON.stringify(analysis.rows.slice(0, 3)));
    const preview = text((await committee.get(`/admin/people/import/${id}`)).body);
    assert.match(preview, new RegExp(`Nhập ${n} đảng viên`));
    assert.equal((await committee.post(`/admin/people/import/${id}/confirm`, { mode: 'all' })).status, 303);
    assert.equal(await h.jobs.runOnce(), 1);
    assert.equal(await membersIn(cell.id), n);
    const events = await db().select({ n: count() }).from(memberEvents).where(and(eq(memberEvents.toUnitId, cell.id), eq(memberEvents.kind, 'imported')));
    assert.equal(Number(events[0]!.n), n);
    const entries = await db().select().from(auditLog).where(and(eq(auditLog.action, 'member.import'), eq(auditLog.entityId, String(id))));
    assert.deepEqual(entries.map((e) => (e.after as { step: string }).step).sort(), ['confirm', 'import', 'upload']);
    const run = entries.find((e) => (e.after as { step: string }).step === 'import')!;
    assert.equal((run.after as { imported: number }).imported, n);
    const ranges = (run.after as { personIds: [number, number][] }).personIds;
    assert.equal(ranges.reduce((sum, [a, b]) => sum + b - a + 1, 0), n, 'every imported person, as id ranges');
    const ids = (await db().select({ id: members.personId }).from(members).where(eq(members.unitId, cell.id))).map((r) => r.id);
    assert.ok(ids.every((id) => ranges.some(([a, b]) => id >= a && id <= b)));
    const exempt = await db().select({ n: count() }).from(members).where(and(eq(members.unitId, cell.id), eq(members.exempt, true)));
    assert.equal(Number(exempt[0]!.n), n / 10);
  });

  test('if the data changed since the preview (a card taken meanwhile), nothing is written', async () => {
    const cell = await emptyCell();
    const [c1, c2] = [card(), card()];
    const rows = [HEADER, [1, 'Quách Văn Một', '01/01/1960', 'Nam', '01/01/1990', '01/01/1991', c1], [2, 'Quách Văn Hai', '01/01/1960', 'Nam', '01/01/1990', '01/01/1991', c2]];
    const { id } = await importRow((await upload(committee, cell.id, 'doi.xlsx', await xlsx(rows))).location);
    await committee.get(`/admin/people/import/${id}`);
    assert.equal((await committee.post(`/admin/people/import/${id}/confirm`, { mode: 'all' })).status, 303);
    await db().transaction((tx) => createMember(tx, SYSTEM_CONTEXT, { fullName: 'Người Khác Nhanh', birthDate: null, gender: null, phone: null, email: null, phoneKind: 'none', cardNumber: c2, position: null, standing: 'official', joinedOn: null, officialOn: null, exempt: false, unitId: dt2.id }));
    assert.equal(await h.jobs.runOnce(), 1);
    assert.equal(await membersIn(cell.id), 0, 'not even the row that is still valid');
    const [imp] = await db().select().from(memberImports).where(eq(memberImports.id, id));
    assert.equal(imp!.status, 'failed');
    const page = text((await committee.get(`/admin/people/import/${id}`)).body);
    assert.match(page, /Không nhập được/);
    assert.match(page, /Dữ liệu đã thay đổi từ lúc xem trước/);
    assert.match(page, /Số thẻ đảng viên đã có trong hệ thống/);
  });
});

describe('bad files', () => {
  const refused = async (name: string, content: Buffer, message: RegExp) => {
    const cell = await emptyCell();
    const res = await upload(committee, cell.id, name, content);
    assert.equal(res.status, 422, `${name}: ${res.status}`);
    assert.match(text(res.body), message, name);
    assert.equal(await importsIn(cell.id), 0, `${name}: nothing stored`);
    assert.equal(await membersIn(cell.id), 0);
  };

  test('wrong file types are refused by content with a specific message', async () => {
    await refused('danh-sach.pdf', Buffer.from('%PDF-1.7\n1 0 obj\n'), /Đây là tệp PDF, không phải bảng tính/);
    await refused('danh-sach.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]), /Excel 97–2003 \(\.xls\)/);
    await refused('anh.xlsx', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]), /Đây là tệp ảnh/);
    await refused('danh-sach.csv', Buffer.from([0x48, 0x6f, 0x20, 0x74, 0xea, 0x6e, 0x0a, 0x41, 0x0a]), /không dùng bảng mã UTF-8/);
    await refused('trang.xls', Buffer.from('<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>'), /trang web \(HTML\)/);
    await refused('rong.csv', Buffer.alloc(0), /Tệp trống/);
    await refused('khong-tieu-de.csv', Buffer.from('a,b,c\n1,2,3\n'), /Không tìm thấy dòng tiêu đề/);
  });

  test('a broken spreadsheet is refused clearly', async () => {
    const good = await xlsx([HEADER, [1, 'Mai Văn Một', '01/01/1960']]);
    await refused('hong.xlsx', good.subarray(0, Math.floor(good.length / 2)), /Tệp Excel bị hỏng hoặc không đọc được/);
    const garbled = Buffer.from(good);
    for (let i = 200; i < garbled.length - 200; i += 7) garbled[i] = garbled[i]! ^ 0x5a;
    await refused('hong2.xlsx', garbled, /Tệp Excel bị hỏng hoặc không đọc được/);
  });

  test('no file chosen', async () => {
    const cell = await emptyCell();
    const res = await upload(committee, cell.id, '', Buffer.alloc(0));
    assert.equal(res.status, 422);
    assert.match(text(res.body), /Hãy chọn một tệp \.xlsx hoặc \.csv/);
  });

  test('a multipart upload without the CSRF token is refused', async () => {
    const cell = await emptyCell();
    const saved = committee.csrf;
    committee.csrf = 'sai';
    const res = await upload(committee, cell.id, 'a.csv', Buffer.from('Họ và tên\nMai Văn Hai\n'));
    committee.csrf = saved;
    assert.equal(res.status, 403);
    assert.equal(await importsIn(cell.id), 0);
  });

  test('an oversized file is refused with the limit in the message', async () => {
    const small = await harness({ SOTAY_MAX_UPLOAD_MB: '0.05' });
    try {
      const c = await loggedIn(small.app, '0912000101');
      const cell = await unitByCode(small.database.db, 'TB-DT-1');
      const big = Buffer.from('Họ và tên,Ngày sinh\n' + 'Nguyễn Văn An,01/01/1960\n'.repeat(5000));
      assert.ok(big.length > 0.05 * 1048576);
      const res = await upload(c, cell.id, 'lon.csv', big, 'text/csv');
      assert.equal(res.status, 413);
      assert.match(text(res.body), /Tệp lớn quá giới hạn 0,05 MB/);
      assert.equal(Number((await small.database.db.select({ n: count() }).from(memberImports))[0]!.n), 0);
    } finally {
      await small.close();
    }
  });

  test('a closed unit or a unit outside the party tree takes no import', async () => {
    const admin = await loggedIn(h.app, 'admin');
    const [state] = await db().select().from(units).where(eq(units.code, 'TB-UBND'));
    const res = await upload(admin, state!.id, 'a.csv', Buffer.from('Họ và tên\nMai Văn Ba\n'));
    assert.equal(res.status, 422);
    assert.match(text(res.body), /Chỉ nhập đảng viên vào chi bộ hoặc đảng bộ/);
  });
});

describe('permission', () => {
  test('a secretary of another cell, or a committee of another commune, gets 403 everywhere', async () => {
    const { id } = await importRow((await upload(committee, dt1.id, 'quyen.csv', Buffer.from('Họ và tên\nMai Văn Tư\n'))).location);
    const strangers = [await loggedIn(h.app, '0912000202'), await loggedIn(h.app, '0912000111'), await loggedIn(h.app, '0912000301')];
    for (const c of strangers) {
      assert.equal((await c.get(`/admin/people/import?unit=${dt1.id}`)).status, 403);
      assert.equal((await upload(c, dt1.id, 'a.csv', Buffer.from('Họ và tên\nMai Văn Năm\n'))).status, 403);
      assert.equal((await c.get(`/admin/people/import/${id}`)).status, 403);
      assert.equal((await c.post(`/admin/people/import/${id}/confirm`, { mode: 'all' })).status, 403);
      assert.equal((await c.get(`/admin/people/export.xlsx?unit=${dt1.id}`)).status, 403);
      assert.equal((await c.get(`/admin/people/export.csv?unit=${dt1.id}`)).status, 403);
      assert.equal((await c.get(`/admin/people/import/template.xlsx?unit=${dt1.id}`)).status, 403);
    }
    const [imp] = await db().select().from(memberImports).where(eq(memberImports.id, id));
    assert.equal(imp!.status, 'previewed', 'nobody else confirmed it');
    assert.equal((await new Client(h.app).get(`/admin/people/import?unit=${dt1.id}`)).status, 303, 'anonymous visitors go to the login page');
  });
});

describe('housekeeping and language', () => {
  test('the preview speaks English to an English reader', async () => {
    const cell = await emptyCell();
    const res = await upload(committee, cell.id, 'en.csv', Buffer.from('Họ và tên,Ngày sinh\nNguyễn,01/01/1960\n'));
    committee.cookies.set('sotay_lang', 'en');
    try {
      const page = text((await committee.get(res.location)).body);
      assert.match(page, /Preview before importing/);
      assert.match(page, /2 Nguyễn A \(Họ và tên\) Error: The full name needs at least two words/);
    } finally {
      committee.cookies.delete('sotay_lang');
    }
  });

  test('uploads never confirmed are dropped after a week; finished ones keep their report but not the file', async () => {
    const { purgeImports } = await import('./import.ts');
    const cell = await emptyCell();
    const { id } = await importRow((await upload(committee, cell.id, 'cu.csv', Buffer.from('Họ và tên\nMai Văn Sáu\n'))).location);
    const { id: doneId } = await importRow((await upload(committee, cell.id, 'xong.csv', Buffer.from('Họ và tên\nMai Văn Bảy\n'))).location);
    await committee.get(`/admin/people/import/${doneId}`);
    assert.equal((await committee.post(`/admin/people/import/${doneId}/confirm`, { mode: 'all' })).status, 303);
    assert.equal(await h.jobs.runOnce(), 1);
    const later = new Date(Date.now() + 8 * 24 * 3600_000);
    const result = await purgeImports(db(), later);
    assert.ok(result.removed >= 1 && result.emptied >= 1, JSON.stringify(result));
    assert.equal((await db().select().from(memberImports).where(eq(memberImports.id, id))).length, 0);
    const [kept] = await db().select().from(memberImports).where(eq(memberImports.id, doneId));
    assert.equal(kept!.status, 'done');
    assert.equal(kept!.content.length, 0);
    assert.ok(kept!.report);
    assert.equal(await membersIn(cell.id), 1);
  });
});
