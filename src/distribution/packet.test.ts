// The print packet on the demo organisation: the secretary of Chi bộ thôn Đông Thọ opens the page
// (the meeting's materials and the unread publications preselected), posts the plain form and gets
// a PDF. The PDF is rendered to PNG with mupdf (WASM, from the npm registry) and its text layer is
// extracted: the Vietnamese strings come back exactly (names with diacritics, "Đã được phổ biến",
// the subjects), the pages are not blank, every page is numbered, the members are in Vietnamese
// order with the exempt marked. A classified document is never offered nor printed; bad choices
// are refused with their message; the generation is audited; another cell's secretary, a plain
// member and a member of another commune get 403.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as mupdf from 'mupdf';
import { and, eq, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type Client, type TestApp } from '../../test/kit/app.ts';
import { accountByLogin, unitByCode } from '../../test/kit/demo.ts';
import { queryRows, type Db } from '../core/db/client.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { loadActor } from '../core/auth/actor.ts';
import { todayIso } from '../core/i18n/i18n.ts';
import { compareNames } from '../core/text/vietnamese.ts';
import { registerDocument } from '../documents/documents.ts';
import { validateDocument } from '../documents/validation.ts';
import { documents } from '../documents/schema.ts';
import { members } from '../people/schema.ts';
import { addMaterial, createMeeting } from '../meetings/meetings.ts';
import type { Meeting } from '../meetings/schema.ts';
import { MAX_PACKET_ITEMS, packetCandidates, packetMembers } from './packet.ts';

let t: TestApp;
let db: Db;
let meeting: Meeting;
let cellId: number;
let materialId: number;
let secretId: number;
const SUBJECT = 'Về việc tổ chức Tết trồng cây và ra quân vệ sinh môi trường, khơi thông dòng chảy';

const inDays = (n: number) => {
  const d = new Date(`${todayIso()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

async function register(subject: string, number: string, body: string) {
  const commune = await unitByCode(db, 'TB-DT');
  const v = validateDocument({ direction: 'outgoing', number, kind: 'ke_hoach', issuer: 'Đảng ủy xã Đông Thọ', place: 'Đông Thọ', date: '20/09/2021', subject, text: body, entryDate: '20/09/2021', signer: 'Phạm Văn Hưởng', signerTitle: 'BÍ THƯ' }, 'vi', '2021-12-31');
  assert.ok(v.ok, JSON.stringify(!v.ok && v.errors));
  return (await registerDocument(db, SYSTEM_CONTEXT, { unitId: commune.id, input: v.value })).document;
}

before(async () => {
  t = await testApp({ demo: true });
  db = t.database.db;
  const cell = await unitByCode(db, 'TB-DT-1');
  cellId = cell.id;
  meeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date: inDays(3), time: '19:30', durationMinutes: 90, location: 'Nhà văn hóa thôn Đông Thọ', onlineUrl: null, topic: null, title: null }));
  const doc = await register(SUBJECT, '27-KH/ĐU', 'Thực hiện chỉ đạo của Huyện ủy, Đảng ủy xã xây dựng kế hoạch như sau:\n\nI. MỤC ĐÍCH, YÊU CẦU\n\n1. Nâng cao ý thức bảo vệ môi trường của cán bộ, đảng viên và nhân dân.\n\n2. Mỗi đảng viên trồng ít nhất một cây xanh; chi bộ nhận chăm sóc đường làng.\n\nII. TỔ CHỨC THỰC HIỆN\n\nCác chi bộ phổ biến kế hoạch đến từng đảng viên, báo cáo kết quả về Đảng ủy trước ngày 30/9/2021.');
  materialId = doc.id;
  await db.transaction((tx) => addMaterial(tx, SYSTEM_CONTEXT, meeting.id, { documentId: doc.id }));
  // A document attached, then classified by a correction: it must never reach paper.
  const secret = await register('Về công tác bảo vệ chính trị nội bộ năm 2021', '28-KH/ĐU', 'Nội dung chỉ dành cho cấp ủy.');
  secretId = secret.id;
  await db.transaction((tx) => addMaterial(tx, SYSTEM_CONTEXT, meeting.id, { documentId: secret.id }));
  await db.update(documents).set({ secrecy: 'mat' }).where(eq(documents.id, secret.id));
  // One exempt member, to be marked on the sign-off sheet.
  const [m] = await db.select({ personId: members.personId }).from(members).where(and(eq(members.unitId, cell.id), eq(members.status, 'active'))).limit(1);
  await db.update(members).set({ exempt: true }).where(eq(members.personId, m!.personId));
});
after(() => t.close());

type Rendered = { pages: number; text: string; pageTexts: string[]; inked: number[]; png: Buffer[] };

/** Renders every page to PNG with mupdf, decodes each PNG again and counts its non-white pixels; extracts the text layer. */
function render(pdf: Buffer): Rendered {
  const doc = mupdf.Document.openDocument(new Uint8Array(pdf), 'application/pdf');
  const pages = doc.countPages();
  const pageTexts: string[] = [];
  const inked: number[] = [];
  const png: Buffer[] = [];
  for (let i = 0; i < pages; i++) {
    const page = doc.loadPage(i);
    pageTexts.push(page.toStructuredText('preserve-whitespace').asText().normalize('NFC'));
    const bytes = page.toPixmap(mupdf.Matrix.scale(0.75, 0.75), mupdf.ColorSpace.DeviceRGB, false, true).asPNG();
    png.push(Buffer.from(bytes));
    const decoded = new mupdf.Image(bytes).toPixmap();
    const px = decoded.getPixels();
    const n = decoded.getNumberOfComponents();
    let dark = 0;
    for (let k = 0; k + 2 < px.length; k += n) if (px[k]! < 200 || px[k + 1]! < 200 || px[k + 2]! < 200) dark++;
    inked.push(dark);
  }
  return { pages, text: pageTexts.join('\n'), pageTexts, inked, png };
}
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The text holds `needle` exactly; the message shows where it was expected (assert.ok without one would go looking for the source). */
const has = (text: string, needle: string, what = needle) => assert.ok(text.includes(needle), `${what} — not found in: ${text.slice(0, 3000)}`);

/** Posts the packet form as a browser does, keeping the answer's bytes (the kit's client decodes bodies as text). */
function postForPdf(c: Client, fields: [string, string][]) {
  return t.app.inject({
    method: 'POST',
    url: `/units/${cellId}/packet`,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['_csrf', c.csrf], ...fields]).toString(),
  });
}

describe('the packet page', () => {
  test('offers the meeting materials and the publications reaching the cell, preselecting the unread; never the classified one', async () => {
    const c = await loggedIn(t.app, '0912000201');
    const room = await c.get(`/meetings/${meeting.id}`);
    assert.equal(room.status, 200);
    assert.match(room.body, new RegExp(`href="/units/${cellId}/packet\\?meeting=${meeting.id}"`));
    assert.match(text(room.body), /In tài liệu sinh hoạt \(PDF\)/);
    const page = await c.get(`/units/${cellId}/packet?meeting=${meeting.id}`);
    assert.equal(page.status, 200);
    const body = text(page.body);
    assert.match(body, /In tài liệu sinh hoạt/);
    assert.match(body, /Nhà văn hóa thôn Đông Thọ/);
    assert.ok(body.includes(SUBJECT), 'the material is offered');
    assert.doesNotMatch(body, /bảo vệ chính trị nội bộ/);
    assert.ok(!page.body.includes(`value="d${secretId}"`), 'the classified material is not offered');
    // Preselected: the material, and the demo's Công điện and announcement nobody in the cell has read.
    const checked = [...page.body.matchAll(/<input type="checkbox"[^>]*name="items" value="([^"]+)"[^>]*checked/g)].map((m) => m[1]);
    assert.ok(checked.includes(`d${materialId}`), checked.join(','));
    const candidates = await packetCandidates(db, { id: cellId, path: (await unitByCode(db, 'TB-DT-1')).path }, meeting);
    const published = candidates.filter((x) => !x.fromMeeting);
    assert.ok(published.length >= 2, 'the Công điện to the province and the commune\'s announcement reach the cell');
    for (const p of published) {
      assert.ok(p.reading && p.reading.expected > 0, `${p.title}: members expected to read it`);
      assert.equal(checked.includes(p.key), p.reading.done < p.reading.expected);
    }
    assert.match(body, /Đã đọc: 0\/\d+/);
    // The member count on the page is the sign-off sheet's.
    assert.match(body, new RegExp(`Danh sách ký xác nhận gồm ${(await packetMembers(db, cellId)).length} đảng viên`));
  });

  test('a plain member, the secretary of another cell and a member of another commune get 403', async () => {
    const other = (await loadActor(db, (await accountByLogin(db, '0912000202')).id))!;
    const otherCell = await unitByCode(db, 'TB-DT-2');
    assert.ok(other.grants.some((g) => g.role === 'cell_secretary' && g.unitId === otherCell.id), 'the demo gives Chi bộ thôn Tống Vũ this secretary');
    for (const login of ['0912000301', '0912000202', '0912000303']) {
      const c = await loggedIn(t.app, login);
      assert.equal((await c.get(`/units/${cellId}/packet`)).status, 403, login);
      assert.equal((await c.post(`/units/${cellId}/packet`, { items: `d${materialId}` })).status, 403, login);
      assert.doesNotMatch((await c.get(`/meetings/${meeting.id}`)).body, /\/packet/, login);
    }
    const before = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where action = 'publication.print_packet'`);
    assert.equal(Number(before[0]!.n), 0, 'refused requests print nothing and log nothing');
  });
});

describe('the PDF', () => {
  test('holds the chosen documents in large type and the sign-off sheet; its text layer reads back exactly', async () => {
    const c = await loggedIn(t.app, '0912000201');
    const page = await c.get(`/units/${cellId}/packet?meeting=${meeting.id}`);
    const chosen = [...page.body.matchAll(/<input type="checkbox"[^>]*name="items" value="([^"]+)"[^>]*checked/g)].map((m) => m[1]!);
    const res = await postForPdf(c, [['meeting', String(meeting.id)], ...chosen.map((k) => ['items', k] as [string, string])]);
    assert.equal(res.statusCode, 200, res.body.slice(0, 400));
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="Tai lieu sinh hoat - Chi bo thon Dong Tho - \d{2}-\d{2}-\d{4}\.pdf"; filename\*=UTF-8''/);
    const bytes = res.rawPayload;
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const r = render(bytes);

    // Cover, one or more pages per document, the sign-off sheet: a sensible count, every page inked and numbered.
    assert.ok(r.pages >= chosen.length + 2 && r.pages <= chosen.length * 4 + 4, `${r.pages} pages for ${chosen.length} documents`);
    r.inked.forEach((n, i) => assert.ok(n > 1500, `page ${i + 1} has ${n} inked pixels`));
    r.png.forEach((b) => assert.equal(b.subarray(1, 4).toString(), 'PNG'));
    r.pageTexts.forEach((s, i) => assert.ok(s.includes(`Trang ${i + 1}/${r.pages}`), `page ${i + 1} is numbered`));

    const all = squash(r.text);
    has(all, 'TÀI LIỆU SINH HOẠT CHI BỘ');
    has(all, 'CHI BỘ THÔN ĐÔNG THỌ');
    has(all, 'Nhà văn hóa thôn Đông Thọ');
    const d = inDays(3);
    has(all, `19:30, ngày ${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`, 'the meeting time, dd/mm/yyyy');
    has(all, SUBJECT, 'the subject, with every diacritic');
    has(all, 'Số: 27-KH/ĐU');
    has(all, 'Đông Thọ, ngày 20/09/2021');
    has(all, '1. Nâng cao ý thức bảo vệ môi trường của cán bộ, đảng viên và nhân dân.');
    has(all, 'Về tăng cường các biện pháp cấp bách', 'the demo Công điện');
    has(all, 'Lịch sinh hoạt chi bộ định kỳ tháng 9 năm 2021', 'the demo announcement');
    assert.ok(!all.includes('bảo vệ chính trị nội bộ'), 'the classified document is not printed');
    // The sign-off sheet: its headings, every member, in Vietnamese order, the exempt marked.
    const sheetStart = r.pageTexts.findIndex((s) => s.includes('DANH SÁCH ĐẢNG VIÊN KÝ XÁC NHẬN'));
    assert.ok(sheetStart > chosen.length, 'the sheet comes after the documents');
    const sheet = squash(r.pageTexts.slice(sheetStart).join('\n'));
    for (const h of ['STT', 'Họ và tên', 'Đã được phổ biến', 'Ký tên']) assert.ok(sheet.includes(h), h);
    for (let i = 1; i <= chosen.length; i++) assert.ok(sheet.includes(`(${i})`), `column (${i})`);
    const list = await packetMembers(db, cellId);
    assert.ok(list.length >= 10, `${list.length} members`);
    let at = -1;
    for (const m of list) {
      const pos = sheet.indexOf(m.fullName, at + 1);
      assert.ok(pos > at, `${m.fullName} is listed, after the one before`);
      at = pos;
    }
    assert.deepEqual(list.map((m) => m.fullName), [...list.map((m) => m.fullName)].sort(compareNames));
    const exempt = list.find((m) => m.exempt)!;
    assert.ok(sheet.includes(`${exempt.fullName} (miễn sinh hoạt)`), 'the exempt member is marked');
    assert.ok(sheet.includes(`Tổng số: ${list.length} đảng viên.`), 'the total');

    // Audited: who printed what, for which meeting.
    const [entry] = await queryRows<{ actor: number; after: { meetingId: number; documents: number[]; members: number; pages: number } }>(
      db,
      sql`select actor_account_id as actor, after from audit_log where action = 'publication.print_packet' and entity_id = ${String(cellId)} order by id desc limit 1`,
    );
    assert.equal(Number(entry!.actor), (await accountByLogin(db, '0912000201')).id);
    assert.equal(entry!.after.meetingId, meeting.id);
    assert.ok(entry!.after.documents.includes(materialId), JSON.stringify(entry!.after));
    assert.equal(entry!.after.members, list.length);
    assert.equal(entry!.after.pages, r.pages);
  });

  test('without a meeting, the packet still prints for the cell (the next meeting is found by itself)', async () => {
    const c = await loggedIn(t.app, '0912000201');
    const page = await c.get(`/units/${cellId}/packet`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), /Nhà văn hóa thôn Đông Thọ/, 'the cell\'s next meeting is the one scheduled');
    const res = await postForPdf(c, [['items', `d${materialId}`]]);
    assert.equal(res.statusCode, 200);
    const r = render(res.rawPayload);
    // The cover, the plan on one page, then the sign-off sheet.
    assert.ok(r.pages >= 3 && r.pages <= 5, `${r.pages} pages`);
    has(squash(r.pageTexts[1]!), SUBJECT);
    has(squash(r.pageTexts[2]!), 'DANH SÁCH ĐẢNG VIÊN KÝ XÁC NHẬN');
  });

  test('refused with its message, nothing printed: nothing chosen, too many, a classified or unknown document, another cell\'s meeting', async () => {
    const c = await loggedIn(t.app, '0912000201');
    const count = async () => Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where action = 'publication.print_packet'`))[0]!.n);
    const before = await count();
    const none = await c.post(`/units/${cellId}/packet`, { meeting: String(meeting.id) });
    assert.equal(none.status, 422);
    assert.match(text(none.body), /Hãy chọn ít nhất một văn bản\./);
    const secret = await c.post(`/units/${cellId}/packet`, { meeting: String(meeting.id), items: [`d${materialId}`, `d${secretId}`] });
    assert.equal(secret.status, 422);
    assert.match(text(secret.body), /không thuộc danh sách có thể in/);
    assert.doesNotMatch(text(secret.body), /bảo vệ chính trị nội bộ/);
    const unknown = await c.post(`/units/${cellId}/packet`, { meeting: String(meeting.id), items: ['d999999', 'x1'] });
    assert.equal(unknown.status, 422);
    const many = await c.post(`/units/${cellId}/packet`, { meeting: String(meeting.id), items: Array.from({ length: MAX_PACKET_ITEMS + 1 }, (_, i) => `d${materialId + 1000 + i}`) });
    assert.equal(many.status, 422);
    assert.match(text(many.body), new RegExp(`tối đa ${MAX_PACKET_ITEMS} văn bản`));
    const otherCell = await unitByCode(db, 'TB-DT-2');
    const otherMeeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, otherCell, { kind: 'extraordinary', date: inDays(4), time: '19:30', durationMinutes: 90, location: null, onlineUrl: null, topic: null, title: null }));
    assert.equal((await c.get(`/units/${cellId}/packet?meeting=${otherMeeting.id}`)).status, 404);
    assert.equal((await c.post(`/units/${cellId}/packet`, { meeting: String(otherMeeting.id), items: `d${materialId}` })).status, 404);
    assert.equal(await count(), before);
  });
});
