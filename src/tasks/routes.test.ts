// The tasks pages through HTTP, as a clerk uses them: drafts from seed 001 confirmed and edited,
// bad input refused with its message and nothing saved, a progress report with a file (and a
// file refused), review, the board and its exports, subtasks for lower units, the JSON API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type Client, type TestApp } from '../../test/kit/app.ts';
import { unitByCode, unitByName } from '../../test/kit/demo.ts';
import { documents } from '../documents/schema.ts';
import { setClock } from './clock.ts';
import { taskReports, tasks } from './schema.ts';

let t: TestApp;
let docId: number;
const NOW = new Date('2021-08-27T09:00:00+07:00');

before(async () => {
  setClock(NOW);
  t = await testApp({ demo: true });
  const province = await unitByCode(t.database.db, 'TB');
  const [doc] = await t.database.db.select({ id: documents.id }).from(documents).where(and(eq(documents.unitId, province.id), eq(documents.direction, 'outgoing'), eq(documents.kind, 'cong_dien')));
  docId = doc!.id;
});
after(async () => {
  setClock(null);
  await t.close();
});

const count = async () => Number((await t.database.db.select({ n: sql<number>`count(*)::int` }).from(tasks))[0]!.n);

/** The draft form's values as the page shows them, to post back. */
function formOf(html: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const add = (k: string, v: string) => {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  };
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const form = html.slice(html.indexOf('id="from-document"'));
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /name="([^"]+)"/.exec(attrs)?.[1];
    if (!name || name === '_csrf') continue;
    const type = /type="([^"]+)"/.exec(attrs)?.[1] ?? 'text';
    const value = decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
    if (type === 'checkbox' && !/\bchecked\b/.test(attrs)) continue;
    add(name, value);
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(m[1]!, decode(m[2]!));
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    for (const o of m[2]!.matchAll(/<option value="([^"]*)"[^>]*\bselected\b/g)) add(m[1]!, decode(o[1]!));
  }
  return out;
}

test('a clerk turns the Công điện’s items into tasks: a bad deadline is refused with its message, then all are saved', async () => {
  const c = await loggedIn(t.app, 'vanthu.tinhuy');
  // The entry point is on the document's own page.
  const docPage = await c.get(`/documents/${docId}`);
  assert.equal(docPage.status, 200);
  assert.match(docPage.body, new RegExp(`href="/tasks/documents/${docId}/new"[^>]*>Giao nhiệm vụ từ văn bản này`));
  const page = await c.get(`/tasks/documents/${docId}/new`);
  assert.equal(page.status, 200);
  const shown = text(page.body);
  assert.match(shown, /Mục 4 — Ban Tuyên giáo Tỉnh ủy/);
  assert.match(shown, /Mục 4 — Sở Thông và Truyền thông/);
  assert.match(shown, /Mục 5 — Mặt trận Tổ quốc tỉnh/);
  const form = formOf(page.body);
  assert.equal(form.count, '4');
  assert.deepEqual([form.s0_include, form.s1_include, form.s2_include, form.s3_include], ['1', '1', '1', '1']);
  const before = await count();
  // The clerk sets deadlines; one is a date that does not exist, one is in the past.
  Object.assign(form, { s0_deadlineKind: 'date', s0_dueDate: '31/02/2021', s1_deadlineKind: 'daily', s1_dueTime: '15:00', s2_deadlineKind: 'date', s2_dueDate: '20/08/2021', s3_deadlineKind: 'date', s3_dueDate: '30/09/2021' });
  const bad = await c.post(`/tasks/documents/${docId}/new`, form);
  assert.equal(bad.status, 422);
  assert.match(text(bad.body), /Ngày không hợp lệ: hãy nhập theo dạng dd\/mm\/yyyy/);
  assert.match(text(bad.body), /Thời hạn này đã qua/);
  assert.equal(await count(), before, 'nothing half-saved');
  const again = formOf(bad.body);
  assert.equal(again.s1_dueTime, '15:00', 'what the clerk typed is kept');
  Object.assign(again, { s0_dueDate: '15/09/2021', s2_dueDate: '31/08/2021' });
  const ok = await c.post(`/tasks/documents/${docId}/new`, again);
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, `/tasks/documents/${docId}`);
  assert.equal(await count(), before + 4);
  assert.match(text((await c.get(`/documents/${docId}`)).body), /Đã giao 4 nhiệm vụ từ văn bản này/);
  const board = await c.get(`/tasks/documents/${docId}`);
  assert.equal(board.status, 200);
  assert.match(text(board.body), /Mục 4: Ban Tuyên giáo Tỉnh ủy, Sở Thông và Truyền thông/);
  assert.match(text(board.body), /Sở Thông tin và Truyền thông/);
  const xlsx = await c.get(`/tasks/documents/${docId}/board.xlsx`);
  assert.equal(xlsx.status, 200);
  assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
  const pdf = await c.get(`/tasks/documents/${docId}/board.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(String(pdf.headers['content-type']), 'application/pdf');
});

async function taskOf(leadName: string): Promise<number> {
  const lead = await unitByName(t.database.db, leadName);
  const [row] = await t.database.db.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.documentId, docId), eq(tasks.leadUnitId, lead.id)));
  return row!.id;
}

function multipart(fields: Record<string, string>, files: { field: string; name: string; type: string; content: Buffer }[]) {
  const boundary = '----sotay-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.content, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function postMultipart(c: Client, url: string, fields: Record<string, string>, files: Parameters<typeof multipart>[1]) {
  const { payload, contentType } = multipart(fields, files);
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await t.app.inject({ method: 'POST', url: `${url}?_csrf=${encodeURIComponent(c.csrf)}`, headers: { cookie, 'content-type': contentType }, payload });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

test('the state body reports progress with a file; a wrong file and bad figures are refused; the assigner accepts', async () => {
  const id = await taskOf('Sở Thông tin và Truyền thông');
  const clerk = await loggedIn(t.app, 'vanthu.stttt');
  const page = await clerk.get(`/tasks/${id}`);
  assert.equal(page.status, 200);
  assert.match(text(page.body), /Gửi báo cáo/);
  const refused = await postMultipart(clerk, `/tasks/${id}/reports`, { body: 'Đã chỉ đạo.', figures: 'Số tin bài: nhiều' }, [{ field: 'files', name: 'virus.exe', type: 'application/octet-stream', content: Buffer.from('MZ') }]);
  assert.equal(refused.status, 422);
  assert.match(text(refused.body), /Tệp “virus\.exe” không đúng loại/);
  assert.match(text(refused.body), /Dòng “Số tin bài: nhiều” chưa đúng dạng/);
  assert.equal(Number((await t.database.db.select({ n: sql<number>`count(*)::int` }).from(taskReports).where(eq(taskReports.taskId, id)))[0]!.n), 0);
  const sent = await postMultipart(clerk, `/tasks/${id}/reports`, { body: 'Đã chỉ đạo Đài tăng thời lượng bản tin.', figures: 'Số tin bài: 42 tin', progress: '30' }, [{ field: 'files', name: 'Báo cáo.txt', type: 'text/plain', content: Buffer.from('Số liệu chi tiết') }]);
  assert.equal(sent.status, 303);
  const assigner = await loggedIn(t.app, 'vanthu.tinhuy');
  const taskPage = await assigner.get(`/tasks/${id}`);
  assert.match(text(taskPage.body), /Chờ đơn vị giao xem xét/);
  const [report] = await t.database.db.select().from(taskReports).where(eq(taskReports.taskId, id));
  const file = /href="(\/tasks\/\d+\/reports\/\d+\/files\/\d+)"/.exec(taskPage.body)![1]!;
  const download = await assigner.get(file);
  assert.equal(download.status, 200);
  assert.equal(download.body, 'Số liệu chi tiết');
  // Returning needs a reason.
  const noReason = await assigner.post(`/tasks/${id}/reports/${report!.id}/review`, { decision: 'return', reviewNote: '' });
  assert.equal(noReason.status, 422);
  assert.match(text(noReason.body), /Hãy nói rõ lý do trả lại báo cáo/);
  const accepted = await assigner.post(`/tasks/${id}/reports/${report!.id}/review`, { decision: 'accept' });
  assert.equal(accepted.status, 303);
  assert.equal((await t.database.db.select().from(tasks).where(eq(tasks.id, id)))[0]!.progress, 30);
  // The reporter cannot review (not the assigner).
  assert.equal((await clerk.post(`/tasks/${id}/reports/${report!.id}/review`, { decision: 'accept' })).status, 403);
});

test('by hand: every commune at once, refused rules with their messages; subtasks for lower units only', async () => {
  const c = await loggedIn(t.app, 'vanthu.thanhuy');
  const city = await unitByCode(t.database.db, 'TB-TP');
  const form = await c.get(`/tasks/units/${city.id}/new`);
  assert.equal(form.status, 200);
  const never = await c.post(`/tasks/units/${city.id}/new`, { title: 'Báo cáo tuần', leadKind: 'party_grassroots', deadlineKind: 'weekly', dueDate: '31/08/2021', recurWeekday: '1', recurUntil: '05/09/2021' });
  assert.equal(never.status, 422);
  assert.match(text(never.body), /Quy tắc lặp lại này không bao giờ đến hạn/);
  const badTime = await c.post(`/tasks/units/${city.id}/new`, { title: 'Báo cáo', leadKind: 'party_grassroots', deadlineKind: 'datetime', dueDate: '30/08/2021', dueTime: '25:00' });
  assert.match(text(badTime.body), /Giờ không hợp lệ/);
  const before = await count();
  const ok = await c.post(`/tasks/units/${city.id}/new`, { title: 'Rà soát người về từ vùng dịch', leadKind: 'party_grassroots', deadlineKind: 'daily', dueTime: '15:00' });
  assert.equal(ok.status, 303);
  assert.equal(await count(), before + 3, 'one task for each of the three communes');
  // The commune splits its task for its cells; a unit outside it is refused.
  const dongTho = await unitByCode(t.database.db, 'TB-DT');
  const [communeTask] = await t.database.db.select().from(tasks).where(and(eq(tasks.leadUnitId, dongTho.id), eq(tasks.assigningUnitId, city.id)));
  const committee = await loggedIn(t.app, '0912000101');
  assert.equal((await committee.get(`/tasks/${communeTask!.id}/subtasks/new`)).status, 200);
  const phuKhanhCell = await unitByCode(t.database.db, 'TB-PK-1');
  const outside = await committee.post(`/tasks/${communeTask!.id}/subtasks/new`, { title: 'Rà soát thôn', leadUnitId: String(phuKhanhCell.id), deadlineKind: 'daily', dueTime: '14:00' });
  assert.equal(outside.status, 422);
  assert.match(text(outside.body), /chỉ giao cho đơn vị cấp dưới của đơn vị chủ trì/);
  const split = await committee.post(`/tasks/${communeTask!.id}/subtasks/new`, { title: 'Rà soát thôn', leadKind: 'cell', deadlineKind: 'daily', dueTime: '14:00' });
  assert.equal(split.status, 303);
  const page = await committee.get(`/tasks/${communeTask!.id}`);
  assert.match(text(page.body), /Chi bộ thôn Đông Thọ/);
  assert.match(text(page.body), /Chi bộ thôn Tống Vũ/);
  // A plain member cannot assign in the commune's name.
  assert.equal((await (await loggedIn(t.app, '0912000301')).get(`/tasks/units/${dongTho.id}/new`)).status, 403);
});

test('overdue on the page follows the clock; the API says the same', async () => {
  const id = await taskOf('Ban Dân vận Tỉnh ủy');
  const c = await loggedIn(t.app, 'vanthu.tinhuy');
  assert.doesNotMatch(text((await c.get(`/tasks/${id}`)).body), /Quá hạn/);
  setClock(new Date('2021-09-01T08:00:00+07:00'));
  try {
    assert.match(text((await c.get(`/tasks/${id}`)).body), /Quá hạn/);
    const api = (await c.get(`/api/v1/tasks/${id}`)).json<{ overdue: boolean; dueAt: string }>();
    assert.equal(api.overdue, true);
    assert.equal(api.dueAt, new Date('2021-09-01T00:00:00+07:00').toISOString());
    const board = text((await c.get(`/tasks/documents/${docId}`)).body);
    assert.match(board, /Đơn vị quá hạn/);
  } finally {
    setClock(NOW);
  }
});
