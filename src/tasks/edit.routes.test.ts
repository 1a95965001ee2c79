// Editing a task through HTTP: the form (filled in, with the unit filter box ready for the
// script), refused with specific messages and nothing saved, saved with a 303; 403 for everyone
// but the assigning unit's staff, on the page, the form and the JSON API; a task that is done.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { accountByLogin, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { auditLog } from '../core/audit/schema.ts';
import { setClock } from './clock.ts';
import { createTasks, setTaskStatus, type TaskInput } from './tasks.ts';
import { tasks, taskSupports } from './schema.ts';

let t: TestApp;
let id: number;
let units: { province: number; tuyenGiao: number; bao: number; stttt: number; danVan: number };
const NOW = new Date('2021-08-27T09:00:00+07:00');

before(async () => {
  setClock(NOW);
  t = await testApp({ demo: true });
  const db = t.database.db;
  units = {
    province: (await unitByCode(db, 'TB')).id,
    tuyenGiao: (await unitByName(db, 'Ban Tuyên giáo Tỉnh ủy')).id,
    bao: (await unitByName(db, 'Báo Thái Bình')).id,
    stttt: (await unitByName(db, 'Sở Thông tin và Truyền thông')).id,
    danVan: (await unitByName(db, 'Ban Dân vận Tỉnh ủy')).id,
  };
  id = await make({ leadUnitId: units.tuyenGiao, supportUnitIds: [units.stttt] });
});
after(async () => {
  setClock(null);
  await t.close();
});

async function make(x: Partial<TaskInput>): Promise<number> {
  const input: TaskInput = { parentId: null, documentId: null, item: null, assigningUnitId: units.province, leadUnitId: null, supportUnitIds: [], memberPersonId: null, title: 'Tăng thời lượng tuyên truyền', description: 'Trên Báo và Đài.', deadline: { kind: 'date', dueDate: '2021-09-15', dueTime: null, recurWeekday: null, recurMonthday: null, recurUntil: null }, priority: 'normal', ...x };
  const [row] = await createTasks(t.database.db, { accountId: (await accountByLogin(t.database.db, 'vanthu.tinhuy')).id }, [input], { now: NOW });
  return row!.id;
}
const row = async (taskId: number) => (await t.database.db.select().from(tasks).where(eq(tasks.id, taskId)))[0]!;
const form = (x: Record<string, string | string[]> = {}) => ({ title: 'Tăng thời lượng tuyên truyền', description: 'Trên Báo và Đài.', leadUnitId: String(units.tuyenGiao), supportUnitIds: [String(units.stttt)], deadlineKind: 'date', dueDate: '15/09/2021', priority: 'normal', ...x });

test('only the assigning office sees “Sửa nhiệm vụ”; the form comes filled in, with the filter box for the script', async () => {
  const clerk = await loggedIn(t.app, 'vanthu.tinhuy');
  const page = await clerk.get(`/tasks/${id}`);
  assert.match(page.body, new RegExp(`href="/tasks/${id}/edit"[^>]*>Sửa nhiệm vụ`));
  const stttt = await loggedIn(t.app, 'vanthu.stttt');
  const seen = await stttt.get(`/tasks/${id}`);
  assert.equal(seen.status, 200, 'the supporting unit sees the task');
  assert.doesNotMatch(seen.body, /Sửa nhiệm vụ/);

  const edit = await clerk.get(`/tasks/${id}/edit`);
  assert.equal(edit.status, 200);
  assert.match(edit.body, /<h1>Sửa nhiệm vụ<\/h1>/);
  assert.match(edit.body, /name="title"[^>]*value="Tăng thời lượng tuyên truyền"/);
  assert.match(edit.body, /name="dueDate"[^>]*value="15\/09\/2021"/);
  assert.match(edit.body, new RegExp(`<option value="${units.tuyenGiao}" selected`));
  const supports = /<select id="f-supportUnitIds"[\s\S]*?<\/select>/.exec(edit.body)![0];
  assert.match(supports, new RegExp(`<option value="${units.stttt}" selected`));
  assert.doesNotMatch(edit.body, /name="leadKind"/, 'no "every lower unit" when editing one task');
  // The filter box is in the page, hidden until the script shows it; without JavaScript the list is all there is.
  assert.match(edit.body, /<div class="unit-filter" hidden data-unit-filter="f-leadUnitId"/);
  assert.match(edit.body, /<label for="f-leadUnitId-filter">Tìm trong danh sách “Đơn vị chủ trì”<\/label>/);
  assert.match(edit.body, /data-unit-filter="f-supportUnitIds"/);
  assert.match(edit.body, /<script src="\/static\/unit-filter\.js\?v=[0-9a-f]+" defer/);
  const script = await clerk.get('/static/unit-filter.js');
  assert.equal(script.status, 200);
  assert.match(script.body, /data-unit-filter/);
});

test('403 on the form and its POST for the lead and supporting units, a member, another commune', async () => {
  const communeLed = await make({ leadUnitId: (await unitByCode(t.database.db, 'TB-DT')).id });
  const lead = await loggedIn(t.app, '0912000101');
  assert.equal((await lead.get(`/tasks/${communeLed}`)).status, 200, 'the lead commune sees its task');
  assert.equal((await lead.get(`/tasks/${communeLed}/edit`)).status, 403, 'the lead commune GET');
  assert.equal((await lead.post(`/tasks/${communeLed}/edit`, form({ leadUnitId: String((await unitByCode(t.database.db, 'TB-DT')).id), title: 'Không được sửa' }))).status, 403, 'the lead commune POST');
  assert.equal((await lead.request('PATCH', `/api/v1/tasks/${communeLed}`, { json: { title: 'Không được sửa' } })).status, 403, 'the lead commune PATCH');
  assert.equal((await row(communeLed)).title, 'Tăng thời lượng tuyên truyền');
  const before = await row(id);
  for (const login of ['vanthu.stttt', '0912000101', '0912000301', '0912000111']) {
    const c = await loggedIn(t.app, login);
    assert.equal((await c.get(`/tasks/${id}/edit`)).status, 403, `${login} GET`);
    assert.equal((await c.post(`/tasks/${id}/edit`, form({ title: 'Không được sửa' }))).status, 403, `${login} POST`);
    assert.equal((await c.request('PATCH', `/api/v1/tasks/${id}`, { json: { title: 'Không được sửa' } })).status, 403, `${login} PATCH`);
  }
  assert.deepEqual(await row(id), before);
});

test('refused with specific messages and what was typed kept, nothing saved; then saved with a 303', async () => {
  const clerk = await loggedIn(t.app, 'vanthu.tinhuy');
  await clerk.get(`/tasks/${id}/edit`);
  const before = await row(id);
  const past = await clerk.post(`/tasks/${id}/edit`, form({ title: 'Tăng thời lượng, mở chuyên mục', dueDate: '20/08/2021', supportUnitIds: [String(units.stttt), String(units.bao)] }));
  assert.equal(past.status, 422);
  assert.match(text(past.body), /Thời hạn này đã qua: hãy chọn một thời điểm sắp tới\./);
  assert.match(past.body, /name="title"[^>]*value="Tăng thời lượng, mở chuyên mục"/, 'what was typed is kept');
  assert.match(past.body, /name="dueDate"[^>]*value="20\/08\/2021"/);
  const badDate = await clerk.post(`/tasks/${id}/edit`, form({ dueDate: '31/02/2021' }));
  assert.equal(badDate.status, 422);
  assert.match(text(badDate.body), /Ngày không hợp lệ: hãy nhập theo dạng dd\/mm\/yyyy/);
  const never = await clerk.post(`/tasks/${id}/edit`, form({ deadlineKind: 'weekly', dueDate: '31/08/2021', recurWeekday: '1', recurUntil: '05/09/2021' }));
  assert.equal(never.status, 422);
  assert.match(text(never.body), /Quy tắc lặp lại này không bao giờ đến hạn/);
  const both = await clerk.post(`/tasks/${id}/edit`, form({ supportUnitIds: [String(units.tuyenGiao)] }));
  assert.equal(both.status, 422);
  assert.match(text(both.body), /Đơn vị chủ trì không đồng thời là đơn vị phối hợp/);
  assert.deepEqual(await row(id), before, 'nothing saved');
  assert.equal((await t.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'task.update'), eq(auditLog.entityId, String(id))))).length, 0);

  const ok = await clerk.post(`/tasks/${id}/edit`, form({ leadUnitId: String(units.danVan), supportUnitIds: [String(units.stttt), String(units.bao)], deadlineKind: 'datetime', dueDate: '20/09/2021', dueTime: '15h', priority: 'high' }));
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, `/tasks/${id}`);
  const shown = text((await clerk.get(`/tasks/${id}`)).body);
  assert.match(shown, /Đã lưu nhiệm vụ\./);
  assert.match(shown, /Trước 15:00 ngày 20\/09\/2021/);
  assert.match(shown, /Ban Dân vận Tỉnh ủy/);
  const saved = await row(id);
  assert.equal(saved.leadUnitId, units.danVan);
  assert.equal(saved.priority, 'high');
  const sup = (await t.database.db.select({ u: taskSupports.unitId }).from(taskSupports).where(eq(taskSupports.taskId, id))).map((r) => r.u).sort((a, b) => a - b);
  assert.deepEqual(sup, [units.stttt, units.bao].sort((a, b) => a - b));
  // Saving again without a change says so.
  const same = await clerk.post(`/tasks/${id}/edit`, form({ leadUnitId: String(units.danVan), supportUnitIds: [String(units.stttt), String(units.bao)], deadlineKind: 'datetime', dueDate: '20/09/2021', dueTime: '15:00', priority: 'high' }));
  assert.equal(same.status, 303);
  assert.match(text((await clerk.get(`/tasks/${id}`)).body), /Không có gì thay đổi\./);
});

test('in English, the messages are English', async () => {
  const clerk = await loggedIn(t.app, 'vanthu.tinhuy');
  clerk.cookies.set('sotay_lang', 'en');
  const edit = await clerk.get(`/tasks/${id}/edit`);
  assert.match(edit.body, /<h1>Edit task<\/h1>/);
  assert.match(edit.body, /Search the “Lead unit” list/);
  const past = await clerk.post(`/tasks/${id}/edit`, form({ leadUnitId: String(units.danVan), dueDate: '20/08/2021' }));
  assert.equal(past.status, 422);
  assert.match(text(past.body), /This deadline has passed: choose a time ahead\./);
});

test('a task that is done: no edit link; the form and the API say why', async () => {
  const done = await make({ leadUnitId: units.tuyenGiao });
  await setTaskStatus(t.database.db, { accountId: (await accountByLogin(t.database.db, 'vanthu.tinhuy')).id }, done, 'done', { now: NOW });
  const clerk = await loggedIn(t.app, 'vanthu.tinhuy');
  assert.doesNotMatch((await clerk.get(`/tasks/${done}`)).body, /Sửa nhiệm vụ/);
  const get = await clerk.get(`/tasks/${done}/edit`);
  assert.equal(get.status, 303);
  assert.equal(get.headers.location, `/tasks/${done}`);
  assert.match(text((await clerk.get(`/tasks/${done}`)).body), /Nhiệm vụ đã hoàn thành nên không sửa được/);
  const post = await clerk.post(`/tasks/${done}/edit`, form({ title: 'Sửa' }));
  assert.equal(post.status, 303);
  assert.equal((await row(done)).title, 'Tăng thời lượng tuyên truyền');
  const api = await clerk.request('PATCH', `/api/v1/tasks/${done}`, { json: { title: 'Sửa' } });
  assert.equal(api.status, 409);
  assert.match(api.json<{ error: { message: string } }>().error.message, /đã hoàn thành/);
});

test('PATCH /api/v1/tasks/:id: fields left out stay; 422 names the field; a malformed body is 400', async () => {
  const taskId = await make({ leadUnitId: units.tuyenGiao, supportUnitIds: [units.bao] });
  const clerk = await loggedIn(t.app, 'vanthu.tinhuy');
  await clerk.get('/tasks');
  const ok = await clerk.request('PATCH', `/api/v1/tasks/${taskId}`, { json: { deadline: { kind: 'daily', dueDate: '2021-08-28', dueTime: '15:00' }, priority: 'high' } });
  assert.equal(ok.status, 200, ok.body);
  const body = ok.json<{ id: number; changed: string[]; assignee: string; dueAt: string }>();
  assert.deepEqual(body.changed.sort(), ['deadline', 'priority']);
  assert.equal(body.assignee, 'Ban Tuyên giáo Tỉnh ủy');
  assert.equal(body.dueAt, new Date('2021-08-28T15:00:00+07:00').toISOString());
  const saved = await row(taskId);
  assert.equal(saved.title, 'Tăng thời lượng tuyên truyền');
  assert.equal(saved.deadlineKind, 'daily');
  const sup = await t.database.db.select().from(taskSupports).where(eq(taskSupports.taskId, taskId));
  assert.deepEqual(sup.map((s) => s.unitId), [units.bao], 'supports left out stay');

  const past = await clerk.request('PATCH', `/api/v1/tasks/${taskId}`, { json: { deadline: { kind: 'date', dueDate: '2021-08-20' } } });
  assert.equal(past.status, 422);
  const err = past.json<{ error: { code: string; message: string; field: string } }>().error;
  assert.equal(err.code, 'invalid');
  assert.equal(err.field, 'dueDate');
  assert.equal(err.message, 'Thời hạn này đã qua: hãy chọn một thời điểm sắp tới.');
  const lead = await clerk.request('PATCH', `/api/v1/tasks/${taskId}`, { json: { supportUnitIds: [units.tuyenGiao] } });
  assert.equal(lead.status, 422);
  assert.equal(lead.json<{ error: { field: string } }>().error.field, 'supportUnitIds');
  assert.equal((await clerk.request('PATCH', `/api/v1/tasks/${taskId}`, { json: { deadline: { kind: 'date', dueDate: '2021-02-31' } } })).status, 400);
  assert.equal((await clerk.request('PATCH', `/api/v1/tasks/${taskId}`, { json: { status: 'done' } })).status, 400, 'status is not edited here');
  assert.equal((await clerk.request('PATCH', `/api/v1/tasks/${taskId}`, { json: { title: 'Không có mã chống giả mạo' }, csrf: false })).status, 403);
  assert.deepEqual((await row(taskId)).deadlineKind, 'daily');
});
