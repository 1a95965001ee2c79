// Editing a task after it was assigned, on a real database: validated as at creation (a deadline
// left as it was may have passed; a changed one may not), one audit entry naming what changed,
// the units newly given the task told, a refused edit leaving nothing behind, a task that is done
// refused until reopened, subtasks keeping their parent consistent, and who may edit at all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { accountByLogin, personByPhone, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { loadActor } from '../core/auth/actor.ts';
import { auditLog } from '../core/audit/schema.ts';
import { notificationEvents } from '../core/notify/schema.ts';
import { can } from '../core/policy/policy.ts';
import { units } from '../org/schema.ts';
import { DomainError } from '../core/errors.ts';
import type { ActingContext } from '../core/audit/audit.ts';
import { createTasks, editTask, loadTaskResource, setTaskStatus, type TaskEdit, type TaskInput } from './tasks.ts';
import { tasks, taskSupports, type TaskRow } from './schema.ts';
import type { DeadlineRule } from './deadline.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase({ demo: true });
});
after(() => t.close());

const vn = (s: string) => new Date(`${s}+07:00`);
const NOW = vn('2021-08-27T09:00:00');
const none: DeadlineRule = { kind: 'none', dueDate: null, dueTime: null, recurWeekday: null, recurMonthday: null, recurUntil: null };
const byDate = (d: string): DeadlineRule => ({ ...none, kind: 'date', dueDate: d });

async function who(login: string): Promise<ActingContext> {
  return { accountId: (await accountByLogin(t.db, login)).id };
}
const base = (x: Partial<TaskInput> & Pick<TaskInput, 'assigningUnitId'>): TaskInput => ({ parentId: null, documentId: null, item: null, leadUnitId: null, supportUnitIds: [], memberPersonId: null, title: 'Nhiệm vụ thử', description: '', deadline: none, priority: 'normal', ...x });
const unit = async (name: string) => (await unitByName(t.db, name)).id;
const code = async (c: string) => (await unitByCode(t.db, c)).id;

async function make(login: string, x: Parameters<typeof base>[0]): Promise<TaskRow> {
  return (await createTasks(t.db, await who(login), [base(x)], { now: NOW }))[0]!;
}
async function supportsOf(id: number): Promise<number[]> {
  return (await t.db.select({ u: taskSupports.unitId }).from(taskSupports).where(eq(taskSupports.taskId, id))).map((r) => r.u).sort((a, b) => a - b);
}
async function row(id: number): Promise<TaskRow> {
  return (await t.db.select().from(tasks).where(eq(tasks.id, id)))[0]!;
}
const edits = async (id: number) => t.db.select().from(auditLog).where(and(eq(auditLog.action, 'task.update'), eq(auditLog.entityId, String(id))));
const notices = async (id: number) => t.db.select().from(notificationEvents).where(and(eq(notificationEvents.subjectType, 'task'), eq(notificationEvents.subjectId, String(id))));
/** The task as it stands, as an edit (to change one thing at a time). */
async function current(id: number): Promise<TaskEdit> {
  const r = await row(id);
  return { title: r.title, description: r.description, leadUnitId: r.leadUnitId, memberPersonId: r.memberPersonId, supportUnitIds: await supportsOf(id), priority: r.priority, deadline: { kind: r.deadlineKind, dueDate: r.dueDate, dueTime: r.dueTime, recurWeekday: r.recurWeekday, recurMonthday: r.recurMonthday, recurUntil: r.recurUntil } };
}

describe('editing a task', () => {
  test('the assigning office changes the lead, supports, deadline and priority: one audit entry with what changed; the new units are told', async () => {
    const task = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), title: 'Tăng thời lượng tuyên truyền', description: 'Trên Báo và Đài.', leadUnitId: await unit('Ban Tuyên giáo Tỉnh ủy'), supportUnitIds: [await unit('Báo Thái Bình')], deadline: byDate('2021-09-15') });
    const noticesBefore = (await notices(task.id)).length;
    const commune = await code('TB-DT');
    const stttt = await unit('Sở Thông tin và Truyền thông');
    const res = await editTask(
      t.db,
      await who('vanthu.tinhuy'),
      task.id,
      { ...(await current(task.id)), title: '  Tăng   thời lượng tuyên truyền phòng, chống dịch ', leadUnitId: commune, supportUnitIds: [await unit('Báo Thái Bình'), stttt], deadline: { ...none, kind: 'datetime', dueDate: '2021-09-20', dueTime: '15:00' }, priority: 'high' },
      { now: NOW },
    );
    assert.deepEqual(res.changed.sort(), ['deadline', 'leadUnitId', 'priority', 'supportUnitIds', 'title']);
    const saved = await row(task.id);
    assert.equal(saved.title, 'Tăng thời lượng tuyên truyền phòng, chống dịch');
    assert.equal(saved.leadUnitId, commune);
    assert.equal(saved.deadlineKind, 'datetime');
    assert.equal(saved.dueDate, '2021-09-20');
    assert.equal(saved.dueTime, '15:00');
    assert.equal(saved.priority, 'high');
    assert.equal(saved.description, 'Trên Báo và Đài.', 'what was not sent as changed stays');
    assert.deepEqual(await supportsOf(task.id), [await unit('Báo Thái Bình'), stttt].sort((a, b) => a - b));
    // One audit entry, with before and after of exactly what changed.
    const [entry, ...more] = await edits(task.id);
    assert.equal(more.length, 0);
    assert.equal(entry!.actorAccountId, (await accountByLogin(t.db, 'vanthu.tinhuy')).id);
    assert.equal(entry!.unitId, await code('TB'));
    const b = entry!.before as Record<string, unknown>;
    const a = entry!.after as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), ['deadline', 'leadUnitId', 'priority', 'supportUnitIds', 'title']);
    assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
    assert.equal(b.leadUnitId, await unit('Ban Tuyên giáo Tỉnh ủy'));
    assert.equal(a.leadUnitId, commune);
    assert.deepEqual(b.deadline, byDate('2021-09-15'));
    assert.equal((a.deadline as DeadlineRule).dueTime, '15:00');
    assert.equal(b.priority, 'normal');
    // The commune's staff hear of their new task; the Sở's office, that it supports it.
    const list = (await notices(task.id)).slice(noticesBefore);
    assert.equal(list.length, 2);
    const lead = list.find((n) => n.title.startsWith('Nhiệm vụ mới'))!;
    const support = list.find((n) => n.title.startsWith('Phối hợp thực hiện nhiệm vụ'))!;
    assert.equal(lead.link, `/tasks/${task.id}`);
    assert.equal(lead.urgency, 'khan', 'a high-priority task is urgent');
    assert.ok((lead.audience as { personIds: number[] }).personIds.includes((await personByPhone(t.db, '0912000101')).id));
    const clerk = await accountByLogin(t.db, 'vanthu.stttt');
    assert.deepEqual((support.audience as { personIds: number[] }).personIds, [clerk.personId]);
  });

  test('a refused edit leaves the task, its supports, the audit log and the notices as they were', async () => {
    const task = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), title: 'Rà soát', leadUnitId: await unit('Ban Dân vận Tỉnh ủy'), deadline: byDate('2021-09-30') });
    const before = { row: await row(task.id), supports: await supportsOf(task.id), notices: (await notices(task.id)).length };
    const changedEverything: TaskEdit = { ...(await current(task.id)), title: 'Khác', leadUnitId: await code('TB-DT'), supportUnitIds: [await unit('Sở Thông tin và Truyền thông')], priority: 'high' };
    const refusals: [TaskEdit, string, RegExp][] = [
      [{ ...changedEverything, deadline: byDate('2021-08-20') }, 'dueDate', /^Thời hạn này đã qua: hãy chọn một thời điểm sắp tới\.$/],
      [{ ...changedEverything, deadline: { ...none, kind: 'datetime', dueDate: '2021-08-27', dueTime: '08:00' } }, 'dueTime', /^Giờ hạn hôm nay đã qua/],
      [{ ...changedEverything, deadline: { ...none, kind: 'weekly', dueDate: '2021-08-31', recurWeekday: 1, recurUntil: '2021-09-05' } }, 'recurUntil', /không bao giờ đến hạn/],
      [{ ...changedEverything, memberPersonId: (await personByPhone(t.db, '0912000301')).id }, 'leadUnitId', /không cả hai/],
      [{ ...changedEverything, supportUnitIds: [await code('TB-DT')] }, 'supportUnitIds', /Đơn vị chủ trì không đồng thời là đơn vị phối hợp/],
      [{ ...changedEverything, leadUnitId: await unit('Bộ Y tế') }, 'leadUnitId', /Bộ Y tế là cơ quan bên ngoài/],
      [{ ...changedEverything, leadUnitId: null }, 'leadUnitId', /Hãy chọn đơn vị chủ trì hoặc đảng viên được giao/],
      [{ ...changedEverything, title: '   ' }, 'title', /Hãy nhập nội dung nhiệm vụ/],
    ];
    for (const [edit, field, message] of refusals) {
      await assert.rejects(
        editTask(t.db, await who('vanthu.tinhuy'), task.id, edit, { now: NOW }),
        (e: unknown) => e instanceof DomainError && e.code === 'invalid' && e.details?.field === field && message.test(e.message),
        `${field} ${message}`,
      );
    }
    assert.deepEqual(await row(task.id), before.row, 'the row is untouched');
    assert.deepEqual(await supportsOf(task.id), before.supports);
    assert.equal((await edits(task.id)).length, 0, 'no audit entry');
    assert.equal((await notices(task.id)).length, before.notices, 'nobody told');
    // The messages in English too.
    await assert.rejects(editTask(t.db, await who('vanthu.tinhuy'), task.id, { ...changedEverything, deadline: byDate('2021-08-20') }, { now: NOW, locale: 'en' }), /This deadline has passed: choose a time ahead\./);
  });

  test('a deadline that has passed since may stay as it is; changing it to another past one is refused', async () => {
    const task = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await unit('Ban Tuyên giáo Tỉnh ủy'), deadline: byDate('2021-08-31') });
    const later = vn('2021-09-05T10:00:00');
    const res = await editTask(t.db, await who('vanthu.tinhuy'), task.id, { ...(await current(task.id)), priority: 'high' }, { now: later });
    assert.deepEqual(res.changed, ['priority']);
    await assert.rejects(editTask(t.db, await who('vanthu.tinhuy'), task.id, { ...(await current(task.id)), deadline: byDate('2021-09-01') }, { now: later }), /Thời hạn này đã qua/);
    const moved = await editTask(t.db, await who('vanthu.tinhuy'), task.id, { ...(await current(task.id)), deadline: byDate('2021-09-10') }, { now: later });
    assert.deepEqual(moved.changed, ['deadline']);
    // A recurring rule left as it was is kept too, even the daily hour of today gone by.
    const daily = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await unit('Ban Dân vận Tỉnh ủy'), deadline: { ...none, kind: 'daily', dueDate: '2021-08-27', dueTime: '15:00', recurUntil: '2021-08-30' } });
    const afterEnd = vn('2021-09-02T08:00:00');
    assert.deepEqual((await editTask(t.db, await who('vanthu.tinhuy'), daily.id, { ...(await current(daily.id)), title: 'Báo cáo hằng ngày' }, { now: afterEnd })).changed, ['title']);
  });

  test('nothing changed: nothing written, no audit entry', async () => {
    const task = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await unit('Ban Tuyên giáo Tỉnh ủy'), supportUnitIds: [await unit('Báo Thái Bình')], deadline: byDate('2021-09-15') });
    const before = await row(task.id);
    const res = await editTask(t.db, await who('vanthu.tinhuy'), task.id, await current(task.id), { now: vn('2021-08-28T09:00:00') });
    assert.deepEqual(res.changed, []);
    assert.deepEqual(await row(task.id), before, 'not even updated_at');
    assert.equal((await edits(task.id)).length, 0);
  });

  test('a task that is done is not edited until its status is changed back', async () => {
    const task = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await unit('Ban Tuyên giáo Tỉnh ủy'), deadline: byDate('2021-09-15') });
    await setTaskStatus(t.db, await who('vanthu.tinhuy'), task.id, 'done', { now: NOW });
    await assert.rejects(
      editTask(t.db, await who('vanthu.tinhuy'), task.id, { ...(await current(task.id)), title: 'Sửa sau khi xong' }, { now: NOW }),
      (e: unknown) => e instanceof DomainError && e.code === 'conflict' && /đã hoàn thành nên không sửa được/.test(e.message),
    );
    await setTaskStatus(t.db, await who('vanthu.tinhuy'), task.id, 'in_progress', { now: NOW });
    assert.deepEqual((await editTask(t.db, await who('vanthu.tinhuy'), task.id, { ...(await current(task.id)), title: 'Sửa sau khi mở lại' }, { now: NOW })).changed, ['title']);
  });

  test('a split task keeps its lead, and its deadline not before its subtasks’; a subtask stays under its parent', async () => {
    const parent = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await code('TB-DT'), deadline: byDate('2021-09-20') });
    const [sub] = await createTasks(t.db, await who('0912000101'), [base({ assigningUnitId: await code('TB-DT'), parentId: parent.id, leadUnitId: await code('TB-DT-1'), deadline: byDate('2021-09-15') })], { now: NOW });
    await assert.rejects(editTask(t.db, await who('vanthu.tinhuy'), parent.id, { ...(await current(parent.id)), leadUnitId: await code('TB-PK') }, { now: NOW }), (e: unknown) => e instanceof DomainError && e.details?.field === 'leadUnitId' && /đã chia nhiệm vụ cho đơn vị cấp dưới/.test(e.message));
    await assert.rejects(editTask(t.db, await who('vanthu.tinhuy'), parent.id, { ...(await current(parent.id)), deadline: byDate('2021-09-10') }, { now: NOW }), /sớm hơn hạn của một nhiệm vụ con \(15\/09\/2021\)/);
    assert.deepEqual((await editTask(t.db, await who('vanthu.tinhuy'), parent.id, { ...(await current(parent.id)), deadline: byDate('2021-09-25') }, { now: NOW })).changed, ['deadline']);
    // The subtask, by the commune: only its lower units, and not after its parent.
    await assert.rejects(editTask(t.db, await who('0912000101'), sub!.id, { ...(await current(sub!.id)), leadUnitId: await code('TB-PK-1') }, { now: NOW }), /chỉ giao cho đơn vị cấp dưới của đơn vị chủ trì/);
    await assert.rejects(editTask(t.db, await who('0912000101'), sub!.id, { ...(await current(sub!.id)), deadline: byDate('2021-09-30') }, { now: NOW }), /không được sau hạn của nhiệm vụ được giao \(25\/09\/2021\)/);
    // A parent that is done does not freeze its subtasks.
    await setTaskStatus(t.db, await who('vanthu.tinhuy'), parent.id, 'done', { now: NOW });
    assert.deepEqual((await editTask(t.db, await who('0912000101'), sub!.id, { ...(await current(sub!.id)), leadUnitId: await code('TB-DT-2') }, { now: NOW })).changed, ['leadUnitId']);
  });

  test('a unit closed since it was given the task may stay on it; it cannot be newly chosen', async () => {
    const stttt = await unit('Sở Thông tin và Truyền thông');
    const task = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await unit('Ban Tuyên giáo Tỉnh ủy'), supportUnitIds: [stttt], deadline: byDate('2021-09-15') });
    const other = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await unit('Ban Tuyên giáo Tỉnh ủy'), deadline: byDate('2021-09-15') });
    await t.db.update(units).set({ status: 'closed', closedAt: NOW }).where(eq(units.id, stttt));
    try {
      assert.deepEqual((await editTask(t.db, await who('vanthu.tinhuy'), task.id, { ...(await current(task.id)), priority: 'low' }, { now: NOW })).changed, ['priority']);
      await assert.rejects(editTask(t.db, await who('vanthu.tinhuy'), other.id, { ...(await current(other.id)), supportUnitIds: [stttt] }, { now: NOW }), /đã đóng: không giao nhiệm vụ được/);
    } finally {
      await t.db.update(units).set({ status: 'active', closedAt: null }).where(eq(units.id, stttt));
    }
  });
});

describe('who may edit', () => {
  test('the assigning unit’s staff and those above it; not the lead or supporting units, not a member, not another unit', async () => {
    const province = await make('vanthu.tinhuy', { assigningUnitId: await code('TB'), leadUnitId: await code('TB-DT'), supportUnitIds: [await unit('Sở Thông tin và Truyền thông')], deadline: byDate('2021-09-15') });
    const cell = await make('0912000201', { assigningUnitId: await code('TB-DT-1'), memberPersonId: (await personByPhone(t.db, '0912000301')).id, deadline: byDate('2021-09-15') });
    const may = async (login: string, id: number) => can((await loadActor(t.db, (await accountByLogin(t.db, login)).id))!, 'task.manage', (await loadTaskResource(t.db, id))!);
    assert.equal(await may('vanthu.tinhuy', province.id), true, 'the assigning office');
    assert.equal(await may('admin', province.id), true, 'a system administrator');
    assert.equal(await may('0912000101', province.id), false, 'the lead unit’s committee');
    assert.equal(await may('vanthu.stttt', province.id), false, 'a supporting unit’s office');
    assert.equal(await may('0912000111', province.id), false, 'another commune');
    assert.equal(await may('0912000301', province.id), false, 'a member');
    assert.equal(await may('0912000201', cell.id), true, 'the cell’s secretary, who assigned it');
    assert.equal(await may('0912000101', cell.id), true, 'the commune above the cell');
    assert.equal(await may('0912000301', cell.id), false, 'the member it is assigned to');
    assert.equal(await may('0912000303', cell.id), false, 'a member of another cell');
  });
});
