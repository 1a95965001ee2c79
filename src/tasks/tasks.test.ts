// Tasks on a real database: drafts from seed 001 (Công điện of the Tỉnh ủy) matched to units of
// both trees, a batch refused whole, subtasks to lower units with progress rolled up, progress
// reports accepted or returned, "quá hạn" computed at read time with a fixed clock, the board and
// its exports, and the deadline job's reminders and escalations recorded once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { accountByLogin, unitByCode, unitByName } from '../../test/kit/demo.ts';
import { queryRows } from '../core/db/client.ts';
import { loadActor } from '../core/auth/actor.ts';
import { auditLog } from '../core/audit/schema.ts';
import { DomainError } from '../core/errors.ts';
import { readXlsx } from '../core/xlsx/index.ts';
import { documents } from '../documents/schema.ts';
import { units } from '../org/schema.ts';
import { members } from '../people/schema.ts';
import type { ActingContext } from '../core/audit/audit.ts';
import { checkTasks, createTasks, getTaskDetail, listTasks, taskScope, taskTree, rolledProgress, setTaskStatus, type TaskInput } from './tasks.ts';
import { addProgressReport, listProgressReports, parseFigures, reviewProgressReport } from './progress.ts';
import { bestMatch, draftTasks, matchableUnits } from './suggest.ts';
import { boardPdf, boardWorkbook, directiveBoard } from './board.ts';
import { scanDeadlines } from './alerts.ts';
import { tasks } from './schema.ts';
import type { DeadlineRule } from './deadline.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase({ demo: true });
});
after(() => t.close());

const vn = (s: string) => new Date(`${s}+07:00`);
/** 27 August 2021, 09:00 in Thái Bình: the day after the Công điện. */
const NOW = vn('2021-08-27T09:00:00');
const none: DeadlineRule = { kind: 'none', dueDate: null, dueTime: null, recurWeekday: null, recurMonthday: null, recurUntil: null };
const byDate = (d: string): DeadlineRule => ({ ...none, kind: 'date', dueDate: d });

async function who(login: string): Promise<ActingContext> {
  return { accountId: (await accountByLogin(t.db, login)).id };
}

/** Seed 001 as the Văn phòng Tỉnh ủy registered it (outgoing, at the Tỉnh ủy). */
async function congDien() {
  const province = await unitByCode(t.db, 'TB');
  const [doc] = await t.db
    .select()
    .from(documents)
    .where(and(eq(documents.unitId, province.id), eq(documents.direction, 'outgoing'), eq(documents.kind, 'cong_dien')));
  assert.ok(doc, 'seed 001 is in the demo');
  return doc;
}

function input(extra: Partial<TaskInput> & Pick<TaskInput, 'assigningUnitId'>): TaskInput {
  return { parentId: null, documentId: null, item: null, leadUnitId: null, supportUnitIds: [], memberPersonId: null, title: 'Nhiệm vụ thử', description: '', deadline: none, priority: 'normal', ...extra };
}

describe('drafts from a directive', () => {
  test("seed 001's items 4 and 5 become one draft per lead, matched across the party and state trees (a misprint included)", async () => {
    const doc = await congDien();
    const drafts = await draftTasks(t.db, { body: doc.body, date: doc.date });
    const byLead = new Map(drafts.map((d) => [d.leadName, d]));
    const name = async (id: number | null) => (id == null ? null : (await t.db.select({ name: units.name }).from(units).where(eq(units.id, id)))[0]!.name);
    assert.deepEqual(
      drafts.map((d) => d.item),
      ['4', '4', '5', '5'],
    );
    assert.equal(await name(byLead.get('Ban Tuyên giáo Tỉnh ủy')!.leadUnitId), 'Ban Tuyên giáo Tỉnh ủy');
    // The seed prints "Sở Thông và Truyền thông" (without "tin").
    assert.equal(await name(byLead.get('Sở Thông và Truyền thông')!.leadUnitId), 'Sở Thông tin và Truyền thông');
    assert.equal(await name(byLead.get('Ban Dân vận Tỉnh ủy')!.leadUnitId), 'Ban Dân vận Tỉnh ủy');
    assert.equal(await name(byLead.get('Mặt trận Tổ quốc tỉnh')!.leadUnitId), 'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thái Bình');
    // "các ngành, địa phương, cơ quan liên quan" is a group, not a unit: left for the clerk.
    assert.ok(byLead.get('Ban Dân vận Tỉnh ủy')!.unmatched.some((n) => n.startsWith('các ngành')));
  });

  test('names that are groups or nothing like a unit match nothing', async () => {
    const candidates = await matchableUnits(t.db);
    assert.equal(bestMatch('các sở, ban, ngành', candidates), null);
    assert.equal(bestMatch('Hội Nông dân xã Hòa Bình', candidates), null);
    assert.equal(bestMatch('Sở Y tế', candidates)?.name, 'Sở Y tế');
  });
});

describe('creating tasks', () => {
  test('a batch is checked whole: one deadline in the past refuses all of it, nothing half-saved', async () => {
    const doc = await congDien();
    const province = await unitByCode(t.db, 'TB');
    const board = await unitByName(t.db, 'Ban Tuyên giáo Tỉnh ủy');
    const stttt = await unitByName(t.db, 'Sở Thông tin và Truyền thông');
    const before = await t.db.select({ n: sql<number>`count(*)::int` }).from(tasks);
    const batch = [
      input({ assigningUnitId: province.id, documentId: doc.id, item: '4', leadUnitId: board.id, deadline: byDate('2021-09-15') }),
      input({ assigningUnitId: province.id, documentId: doc.id, item: '4', leadUnitId: stttt.id, deadline: byDate('2021-08-20') }),
    ];
    const errors = await checkTasks(t.db, batch, { now: NOW, locale: 'vi' });
    assert.deepEqual(errors[0], {});
    assert.equal(errors[1]!.dueDate, 'Thời hạn này đã qua: hãy chọn một thời điểm sắp tới.');
    await assert.rejects(createTasks(t.db, await who('vanthu.tinhuy'), batch, { now: NOW }), (e: unknown) => e instanceof DomainError && e.details?.index === 1 && e.details?.field === 'dueDate');
    const afterCount = await t.db.select({ n: sql<number>`count(*)::int` }).from(tasks);
    assert.equal(afterCount[0]!.n, before[0]!.n);
  });

  test('bad input has specific messages: no assignee, both, a closed or outside unit, the lead also supporting, a never-firing rule', async () => {
    const province = await unitByCode(t.db, 'TB');
    const board = await unitByName(t.db, 'Ban Tuyên giáo Tỉnh ủy');
    const outside = await unitByName(t.db, 'Bộ Y tế');
    const member = (await t.db.select().from(members).limit(1))[0]!;
    const [e1, e2, e3, e4, e5, e6] = await checkTasks(
      t.db,
      [
        input({ assigningUnitId: province.id, title: '  ' }),
        input({ assigningUnitId: province.id, leadUnitId: board.id, memberPersonId: member.personId }),
        input({ assigningUnitId: province.id, leadUnitId: outside.id }),
        input({ assigningUnitId: province.id, leadUnitId: board.id, supportUnitIds: [board.id] }),
        input({ assigningUnitId: province.id, leadUnitId: board.id, deadline: { ...none, kind: 'weekly', dueDate: '2021-08-31', recurWeekday: 1, recurUntil: '2021-09-05' } }),
        input({ assigningUnitId: province.id, leadUnitId: board.id, deadline: { ...none, kind: 'datetime', dueDate: '2021-08-27', dueTime: '08:00' } }),
      ],
      { now: NOW, locale: 'vi' },
    );
    assert.equal(e1!.title, 'Hãy nhập nội dung nhiệm vụ.');
    assert.equal(e1!.leadUnitId, 'Hãy chọn đơn vị chủ trì hoặc đảng viên được giao.');
    assert.equal(e2!.leadUnitId, 'Nhiệm vụ giao cho một đơn vị chủ trì hoặc cho một đảng viên, không cả hai.');
    assert.equal(e3!.leadUnitId, 'Bộ Y tế là cơ quan bên ngoài: không giao nhiệm vụ được.');
    assert.equal(e4!.supportUnitIds, 'Đơn vị chủ trì không đồng thời là đơn vị phối hợp.');
    assert.match(e5!.recurUntil!, /không bao giờ đến hạn/);
    assert.equal(e6!.dueTime, 'Giờ hạn hôm nay đã qua: hãy chọn giờ muộn hơn hoặc một ngày sau.');
  });
});

describe('a directive followed to done', () => {
  let ids: { tuyenGiao: number; stttt: number; danVan: number; mttq: number };

  before(async () => {
    const doc = await congDien();
    const province = await unitByCode(t.db, 'TB');
    const lead = async (name: string) => (await unitByName(t.db, name)).id;
    const daily: DeadlineRule = { ...none, kind: 'daily', dueDate: '2021-08-27', dueTime: '15:00' };
    const created = await createTasks(
      t.db,
      await who('vanthu.tinhuy'),
      [
        input({ assigningUnitId: province.id, documentId: doc.id, item: '4', title: 'Tăng thời lượng tuyên truyền', leadUnitId: await lead('Ban Tuyên giáo Tỉnh ủy'), supportUnitIds: [await lead('Báo Thái Bình')], deadline: byDate('2021-09-10') }),
        input({ assigningUnitId: province.id, documentId: doc.id, item: '4', title: 'Tăng thời lượng tuyên truyền', leadUnitId: await lead('Sở Thông tin và Truyền thông'), supportUnitIds: [await lead('Đài Phát thanh và Truyền hình tỉnh')], deadline: daily }),
        input({ assigningUnitId: province.id, documentId: doc.id, item: '5', title: 'Vận động Nhân dân chấp hành', leadUnitId: await lead('Ban Dân vận Tỉnh ủy'), deadline: byDate('2021-08-31') }),
        input({ assigningUnitId: province.id, documentId: doc.id, item: '5', title: 'Vận động Nhân dân chấp hành', leadUnitId: await lead('Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thái Bình'), deadline: byDate('2021-09-30') }),
      ],
      { now: NOW },
    );
    ids = { tuyenGiao: created[0]!.id, stttt: created[1]!.id, danVan: created[2]!.id, mttq: created[3]!.id };
    const entries = await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'task.create'), eq(auditLog.entityId, String(ids.stttt))));
    assert.equal(entries.length, 1, 'each task has its audit entry');
  });

  test('the state body reports daily before 15:00; the assigner accepts; a report is not its author’s to review', async () => {
    const clerk = await who('vanthu.stttt');
    const reportId = await addProgressReport(
      t.db,
      clerk,
      { taskId: ids.stttt, unitId: (await unitByName(t.db, 'Sở Thông tin và Truyền thông')).id, body: 'Đã chỉ đạo Đài tăng thời lượng bản tin phòng, chống dịch.', figures: [{ label: 'Số tin, bài', value: 42, unit: 'tin' }], progress: 40, proposeDone: false, files: [{ fileName: 'bao-cao.txt', mime: 'text/plain; charset=utf-8', bytes: Buffer.from('Báo cáo') }], onBehalfOfPersonId: null },
      { now: vn('2021-08-27T14:00:00') },
    );
    const row = (await t.db.select().from(tasks).where(eq(tasks.id, ids.stttt)))[0]!;
    assert.equal(row.status, 'in_progress', 'a first report starts the task');
    await assert.rejects(reviewProgressReport(t.db, clerk, reportId, { accept: true, note: null }, { now: NOW }), /không thể tự duyệt/);
    await assert.rejects(reviewProgressReport(t.db, await who('vanthu.tinhuy'), reportId, { accept: false, note: ' ' }, { now: NOW }), /lý do trả lại/);
    await reviewProgressReport(t.db, await who('vanthu.tinhuy'), reportId, { accept: true, note: null }, { now: vn('2021-08-27T16:00:00') });
    assert.equal((await t.db.select().from(tasks).where(eq(tasks.id, ids.stttt)))[0]!.progress, 40);
    await assert.rejects(reviewProgressReport(t.db, await who('vanthu.tinhuy'), reportId, { accept: false, note: 'Thiếu số liệu' }, { now: NOW }), /đã được xem xét/);
    const reports = await listProgressReports(t.db, [ids.stttt]);
    assert.equal(reports[0]!.files[0]!.fileName, 'bao-cao.txt');
    assert.equal(reports[0]!.review, 'accepted');
  });

  test('"quá hạn" is computed when read, from the fixed clock, never stored', async () => {
    const actor = (await loadActor(t.db, (await accountByLogin(t.db, 'vanthu.tinhuy')).id))!;
    const overdueAt = async (at: Date) => (await listTasks(t.db, taskScope(actor), { view: 'assigned', overdueOnly: true, limit: 100 }, at)).rows.map((r) => r.id).sort();
    // 28 August 10:00: nothing missed yet (Sở TT&TT reported yesterday before 15:00).
    assert.deepEqual(await overdueAt(vn('2021-08-28T10:00:00')), []);
    // 28 August 15:30: today's report from Sở TT&TT is missing.
    assert.deepEqual(await overdueAt(vn('2021-08-28T15:30:00')), [ids.stttt]);
    // 1 September: Ban Dân vận missed 31 August as well.
    assert.deepEqual(await overdueAt(vn('2021-09-01T08:00:00')), [ids.stttt, ids.danVan].sort((a, b) => a - b));
    const stored = await queryRows<Record<string, unknown>>(t.db, sql`select * from tasks where id = ${ids.danVan}`);
    assert.ok(!Object.keys(stored[0]!).some((k) => /overdue|qua_han/.test(k)), 'no stored overdue flag');
  });

  test('the lead splits its task for lower units; progress rolls up; a unit outside its subtree is refused', async () => {
    const city = await unitByCode(t.db, 'TB-TP');
    const board = await unitByName(t.db, 'Ban Tuyên giáo Tỉnh ủy');
    // Ban Tuyên giáo has no lower units: a subtask there is refused; the Thành ủy is not below it.
    const [e] = await checkTasks(t.db, [input({ parentId: ids.tuyenGiao, assigningUnitId: board.id, leadUnitId: city.id, deadline: byDate('2021-09-05') })], { now: NOW, locale: 'vi' });
    assert.equal(e!.leadUnitId, 'Nhiệm vụ con chỉ giao cho đơn vị cấp dưới của đơn vị chủ trì.');
    // The Thành ủy gets a task and splits it for its communes.
    const province = await unitByCode(t.db, 'TB');
    const [cityTask] = await createTasks(t.db, await who('vanthu.tinhuy'), [input({ assigningUnitId: province.id, leadUnitId: city.id, title: 'Rà soát người về từ vùng dịch', deadline: byDate('2021-09-20') })], { now: NOW });
    const communes = await t.db.select().from(units).where(and(eq(units.parentId, city.id), eq(units.kind, 'party_grassroots')));
    assert.equal(communes.length, 3);
    const [late] = await checkTasks(t.db, [input({ parentId: cityTask!.id, assigningUnitId: city.id, leadUnitId: communes[0]!.id, deadline: byDate('2021-09-25') })], { now: NOW, locale: 'vi' });
    assert.equal(late!.dueDate, 'Hạn của nhiệm vụ con không được sau hạn của nhiệm vụ được giao (20/09/2021).');
    const subs = await createTasks(
      t.db,
      await who('vanthu.thanhuy'),
      communes.map((c) => input({ parentId: cityTask!.id, assigningUnitId: city.id, leadUnitId: c.id, title: 'Rà soát người về từ vùng dịch', deadline: byDate('2021-09-15') })),
      { now: NOW },
    );
    await setTaskStatus(t.db, await who('vanthu.thanhuy'), subs[0]!.id, 'done', { now: NOW });
    await t.db.update(tasks).set({ progress: 50 }).where(eq(tasks.id, subs[1]!.id));
    const tree = await taskTree(t.db, cityTask!.id);
    assert.equal(tree.children.length, 3);
    assert.equal(rolledProgress(tree), 50, '(100 + 50 + 0) / 3');
    const detail = await getTaskDetail(t.db, subs[1]!.id);
    assert.equal(detail.parent?.id, cityTask!.id);
    assert.equal(detail.assigning.id, city.id);
  });

  test('the board: every item, who leads, overdue units and the latest report; .xlsx and PDF', async () => {
    const doc = await congDien();
    const board = await directiveBoard(t.db, doc.id, vn('2021-09-01T08:00:00'));
    assert.deepEqual(
      board.items.map((i) => [i.item, i.rows.map((r) => r.leadName)]),
      [
        ['4', ['Ban Tuyên giáo Tỉnh ủy', 'Sở Thông tin và Truyền thông']],
        ['5', ['Ban Dân vận Tỉnh ủy', 'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thái Bình']],
      ],
    );
    const stttt = board.items[0]!.rows[1]!;
    assert.deepEqual(stttt.overdueUnits, ['Sở Thông tin và Truyền thông']);
    assert.match(stttt.lastReport!.body, /thời lượng bản tin/);
    assert.deepEqual(stttt.supportNames, ['Đài Phát thanh và Truyền hình tỉnh']);
    assert.deepEqual(board.totals, { tasks: 4, done: 0, overdue: 2 });
    const sheet = await readXlsx(await boardWorkbook(board, 'vi'));
    assert.equal(sheet.rows.length, 5, 'a header and one row per task');
    assert.equal(sheet.rows[0]!.cells[0], 'Mục');
    assert.equal(sheet.rows[2]!.cells[2], 'Sở Thông tin và Truyền thông');
    const pdf = await boardPdf(board, 'vi', 'Tỉnh ủy Thái Bình');
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  });

  test('the deadline job reminds before and escalates after, each once', async () => {
    // 31 August 08:00: Ban Dân vận is due by tonight (reminder); Sở TT&TT has missed days (escalation for the latest).
    const first = await scanDeadlines(t.db, vn('2021-08-31T08:00:00'));
    const kinds = (list: typeof first) => list.map((a) => `${a.taskId}:${a.kind}`).sort();
    assert.ok(kinds(first).includes(`${ids.danVan}:reminder`));
    assert.ok(kinds(first).includes(`${ids.stttt}:escalation`));
    assert.ok(!kinds(first).some((k) => k.startsWith(`${ids.mttq}:`)), 'a deadline a month away is left alone');
    assert.deepEqual(await scanDeadlines(t.db, vn('2021-08-31T08:10:00')), [], 'a rerun sends nothing twice');
    const later = await scanDeadlines(t.db, vn('2021-09-01T08:00:00'));
    assert.ok(kinds(later).includes(`${ids.danVan}:escalation`));
    const detail = await getTaskDetail(t.db, ids.danVan);
    assert.deepEqual(detail.alerts.map((a) => a.kind).sort(), ['escalation', 'reminder']);
  });

  test('notices go through notify(): the new task to the state body’s office, the escalation to the assigning office and the lead', async () => {
    const events = await queryRows<{ title: string; audience: { personIds: number[] }; urgency: string | null; link: string; subject_id: string }>(
      t.db,
      sql`select title, audience, urgency, link, subject_id from notification_events where kind = 'task' order by id`,
    );
    const person = async (login: string) => (await accountByLogin(t.db, login)).personId;
    const assigned = events.find((e) => e.title.startsWith('Nhiệm vụ mới: Tăng thời lượng'));
    assert.ok(assigned, 'the lead units with staff hear of their new task');
    assert.ok(assigned.audience.personIds.includes(await person('vanthu.stttt')));
    const escalation = events.find((e) => e.title === 'Quá hạn: Tăng thời lượng tuyên truyền' && e.link === `/tasks/${ids.stttt}`);
    assert.ok(escalation);
    assert.equal(escalation.urgency, 'khan');
    // Everyone holding a staff role in the Tỉnh ủy itself (its office and its committee members), and the lead's office.
    const expected = [await person('vanthu.tinhuy'), await person('bantochuc'), await person('bantuyengiao'), await person('vanthu.stttt')];
    assert.deepEqual([...escalation.audience.personIds].sort((a, b) => a - b), expected.sort((a, b) => a - b));
    // Ban Dân vận has no account in the demo: its reminder is recorded on the task, with no one to send it to.
    assert.ok(!events.some((e) => e.subject_id === String(ids.danVan) && e.title.startsWith('Sắp đến hạn')));
  });
});

test('figures are read the Vietnamese way, and a wrong line is named', () => {
  const ok = parseFigures('Số buổi tuyên truyền: 12 buổi\nKinh phí: 1.500.000 đồng\nTỉ lệ: 2,5 %');
  assert.deepEqual(ok, {
    ok: true,
    figures: [
      { label: 'Số buổi tuyên truyền', value: 12, unit: 'buổi' },
      { label: 'Kinh phí', value: 1_500_000, unit: 'đồng' },
      { label: 'Tỉ lệ', value: 2.5, unit: '%' },
    ],
  });
  assert.deepEqual(parseFigures('mười hai buổi'), { ok: false, error: 'Dòng “mười hai buổi” chưa đúng dạng “tên: con số đơn vị tính”, ví dụ “Số buổi tuyên truyền: 12 buổi”.' });
});
