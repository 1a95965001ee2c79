// Who sees which task, on the demo organisation: assignment crosses the party and state trees
// while every role still reaches only its own tree; a member sees only their own tasks, never
// another cell's; the policy rule and the lists' SQL agree for every login and every task.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, isNotNull } from 'drizzle-orm';
import { testApp, loggedIn, text, type TestApp } from '../../test/kit/app.ts';
import { accountByLogin, personByPhone, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { loadActor } from '../core/auth/actor.ts';
import { accounts, roleAssignments } from '../core/auth/schema.ts';
import { can } from '../core/policy/policy.ts';
import { DEMO_LOGINS } from '../demo/demo.ts';
import { createTasks, listTasks, loadTaskResource, taskScope, type TaskInput } from './tasks.ts';
import { setClock } from './clock.ts';
import type { DeadlineRule } from './deadline.ts';

let t: TestApp;
const NOW = new Date('2021-08-27T09:00:00+07:00');
const deadline: DeadlineRule = { kind: 'date', dueDate: '2021-09-30', dueTime: null, recurWeekday: null, recurMonthday: null, recurUntil: null };
let T: Record<'stttt' | 'board' | 'cell' | 'memberDT' | 'memberPK' | 'stateToParty', number>;

before(async () => {
  setClock(NOW);
  t = await testApp({ demo: true });
  const db = t.database.db;
  const u = async (code: string) => (await unitByCode(db, code)).id;
  const n = async (name: string) => (await unitByName(db, name)).id;
  const base = (x: Partial<TaskInput> & Pick<TaskInput, 'assigningUnitId'>): TaskInput => ({ parentId: null, documentId: null, item: null, leadUnitId: null, supportUnitIds: [], memberPersonId: null, title: 'Nhiệm vụ', description: '', deadline, priority: 'normal', ...x });
  const make = async (login: string, x: Parameters<typeof base>[0]) => (await createTasks(db, { accountId: (await accountByLogin(db, login)).id }, [base(x)], { now: NOW }))[0]!.id;
  T = {
    stttt: await make('vanthu.tinhuy', { assigningUnitId: await u('TB'), leadUnitId: await n('Sở Thông tin và Truyền thông'), supportUnitIds: [await n('Báo Thái Bình')] }),
    board: await make('vanthu.tinhuy', { assigningUnitId: await u('TB'), leadUnitId: await n('Ban Tuyên giáo Tỉnh ủy') }),
    cell: await make('0912000102', { assigningUnitId: await u('TB-DT'), leadUnitId: await u('TB-DT-1') }),
    memberDT: await make('0912000201', { assigningUnitId: await u('TB-DT-1'), memberPersonId: (await personByPhone(db, '0912000301')).id }),
    memberPK: await make('0912000203', { assigningUnitId: await u('TB-PK-1'), memberPersonId: (await personByPhone(db, '0912000303')).id }),
    stateToParty: await make('vanthu.ubnd', { assigningUnitId: await u('TB-UBND'), leadUnitId: await u('TB-DT') }),
  };
});
after(async () => {
  setClock(null);
  await t.close();
});

async function visible(login: string): Promise<string[]> {
  const actor = (await loadActor(t.database.db, (await accountByLogin(t.database.db, login)).id))!;
  const out: string[] = [];
  for (const [k, id] of Object.entries(T)) if (can(actor, 'task.view', (await loadTaskResource(t.database.db, id))!)) out.push(k);
  return out.sort();
}

test('who sees which task: the assigning, lead and supporting units’ staff and the assigned member', async () => {
  // The province office assigned the first two; its reach covers the party tree (and so the cell and member tasks) — and the state's task to a party commune, which leads it.
  assert.deepEqual(await visible('vanthu.tinhuy'), ['board', 'cell', 'memberDT', 'memberPK', 'stateToParty', 'stttt']);
  // The state's office: the task its Sở leads (assigned by the party) and the task it assigned itself — nothing else of the party tree.
  assert.deepEqual(await visible('vanthu.ubnd'), ['stateToParty', 'stttt']);
  assert.deepEqual(await visible('vanthu.stttt'), ['stttt']);
  // The commune's committee: its cell's task, its member's task, the state's task to it.
  assert.deepEqual(await visible('0912000101'), ['cell', 'memberDT', 'stateToParty']);
  // The cell's secretary: the cell's task and its member's task, not another cell's.
  assert.deepEqual(await visible('0912000201'), ['cell', 'memberDT']);
  // Members: their own task only — not their cell's, not another cell's member's.
  assert.deepEqual(await visible('0912000301'), ['memberDT']);
  assert.deepEqual(await visible('0912000303'), ['memberPK']);
  assert.deepEqual(await visible('admin'), Object.keys(T).sort());
});

test('who may act: report for the lead or a supporting unit, manage as the assigner, never across trees', async () => {
  const db = t.database.db;
  const actor = async (login: string) => (await loadActor(db, (await accountByLogin(db, login)).id))!;
  const res = async (k: keyof typeof T) => (await loadTaskResource(db, T[k]))!;
  assert.ok(can(await actor('vanthu.stttt'), 'task.report', await res('stttt')));
  assert.ok(!can(await actor('vanthu.stttt'), 'task.manage', await res('stttt')));
  assert.ok(can(await actor('vanthu.tinhuy'), 'task.manage', await res('stttt')));
  // The party office reaches the task the state gave its commune, but does not manage it: the state assigned it.
  assert.ok(!can(await actor('vanthu.tinhuy'), 'task.manage', await res('stateToParty')));
  assert.ok(can(await actor('vanthu.ubnd'), 'task.manage', await res('stateToParty')));
  // A cell secretary reports for the member without a phone; the member for themselves; another cell's member not at all.
  assert.ok(can(await actor('0912000201'), 'task.report', await res('memberDT')));
  assert.ok(can(await actor('0912000301'), 'task.report', await res('memberDT')));
  assert.ok(!can(await actor('0912000303'), 'task.report', await res('memberDT')));
  // System administrators see everything but report for no unit.
  assert.ok(!can(await actor('admin'), 'task.report', await res('stttt')));
  // Splitting: the lead unit's staff (the commune's cell leads the 'cell' task: its secretary splits; the commune assigned it).
  assert.ok(can(await actor('0912000201'), 'task.split', await res('cell')));
  assert.ok(!can(await actor('0912000301'), 'task.split', await res('memberDT')));
});

test('a member of one cell cannot read another cell’s member’s task: page, API, lists', async () => {
  const c = await loggedIn(t.app, '0912000303');
  assert.equal((await c.get(`/tasks/${T.memberDT}`)).status, 403);
  assert.equal((await c.get(`/api/v1/tasks/${T.memberDT}`)).status, 403);
  assert.equal((await c.get(`/tasks/${T.cell}`)).status, 403);
  const list = (await c.get('/api/v1/tasks?view=all')).json<{ tasks: { id: number }[] }>();
  assert.deepEqual(
    list.tasks.map((x) => x.id),
    [T.memberPK],
  );
  const own = await c.get(`/tasks/${T.memberPK}`);
  assert.equal(own.status, 200);
  // Their own task is on the handbook home.
  const home = await c.get('/');
  assert.match(text(home.body), /Nhiệm vụ của tôi/);
  const other = await loggedIn(t.app, '0912000301');
  assert.doesNotMatch(text((await other.get('/tasks?view=mine')).body), new RegExp(`/tasks/${T.memberPK}\\b`));
});

test("'task.view' and the lists' SQL agree for every login with a role and every demo member login", async () => {
  const db = t.database.db;
  const withRoles = await db.selectDistinct({ id: roleAssignments.accountId }).from(roleAssignments).where(isNotNull(roleAssignments.accountId));
  const logins = new Set<number>(withRoles.map((r) => r.id));
  for (const l of DEMO_LOGINS) logins.add((await accountByLogin(db, l.login)).id);
  const all = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.disabled, false));
  assert.ok(all.length > logins.size);
  for (const accountId of logins) {
    const actor = await loadActor(db, accountId);
    if (!actor) continue;
    const listed = new Set((await listTasks(db, taskScope(actor), { view: 'all', limit: 1000 }, NOW)).rows.map((r) => r.id));
    for (const id of Object.values(T)) {
      const allowed: boolean = can(actor, 'task.view', (await loadTaskResource(db, id))!);
      assert.equal(listed.has(id), allowed, `account ${accountId}, task ${id}: listed ${listed.has(id)}, allowed ${allowed}`);
    }
  }
});
