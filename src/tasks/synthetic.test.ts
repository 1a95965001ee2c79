// The shared generator's tasks and reports extensions on a small synthetic province, on both
// databases: the directive's tasks read back as a board, the report history as a trend — and
// the same seed gives the same data.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { testDatabase, dbLabel, type TestDatabase } from '../../test/kit/db.ts';
import { queryRows } from '../core/db/client.ts';
import { generateProvince, type SyntheticProvince } from '../core/synthetic/generator.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { registerDocument } from '../documents/documents.ts';
import { validateDocument } from '../documents/validation.ts';
import { generateDirectiveTasks } from './synthetic.ts';
import { directiveBoard } from './board.ts';
import { generateReportHistory } from '../reports/synthetic.ts';
import { getTemplate } from '../reports/submissions.ts';
import { trend } from '../reports/rollup.ts';

let t: TestDatabase;
let province: SyntheticProvince;
before(async () => {
  t = await testDatabase({ demo: false });
  province = await generateProvince(t.db, t.kind, { members: 1200, seed: 7 });
});
after(() => t.close());

test(`a directive assigned to every cell, read back as its board (${dbLabel()})`, async () => {
  const v = validateDocument({ direction: 'outgoing', number: '5-CĐ/TU', kind: 'cong_dien', issuer: 'Tỉnh ủy', date: '26/08/2021', subject: 'Về phòng, chống dịch', text: '1. Các chi bộ thực hiện.', entryDate: '26/08/2021' }, 'vi', '2021-12-31');
  assert.ok(v.ok);
  const doc = await registerDocument(t.db, SYSTEM_CONTEXT, { unitId: province.root.id, input: v.value });
  const now = new Date('2021-09-10T09:00:00+07:00');
  const made = await generateDirectiveTasks(t.db, t.kind, {
    documentId: doc.document.id,
    assigningUnitId: province.root.id,
    cells: province.cells.map((c) => ({ id: c.id, parentId: c.parentId })),
    districts: province.districts,
    communes: province.communes.map((c) => ({ id: c.id, parentId: c.parentId })),
    authorAccountIds: province.secretaries.map((s) => s.accountId),
    now,
  });
  assert.equal(made.tasks - made.topLevel, province.communes.length, 'one subtask per commune');
  const board = await directiveBoard(t.db, doc.document.id, now);
  assert.equal(board.totals.tasks, made.topLevel);
  assert.equal(board.items.find((i) => i.item === '2')!.rows.length, province.cells.length);
  assert.ok(board.totals.overdue > 0 && board.totals.overdue < made.topLevel, 'some tasks are overdue, not all');
  const [n] = await queryRows<{ n: number | string }>(t.db, sql`select count(*) as n from task_reports`);
  assert.equal(Number(n!.n), made.reports);
});

test(`90 days of the daily report from every commune, read back as a trend (${dbLabel()})`, async () => {
  const made = await generateReportHistory(t.db, t.kind, { ownerUnitId: province.root.id, communes: province.communes, lastDay: '2025-06-30', days: 90 });
  assert.equal(made.firstDay, '2025-04-02');
  assert.equal(made.submissions, province.communes.length * 90 - made.missing + made.corrected);
  const tpl = await getTemplate(t.db, made.templateId);
  const series = await trend(t.db, tpl, province.root, made.firstDay, '2025-06-30');
  assert.equal(series.length, 90);
  assert.equal(
    series.reduce((s, p) => s + p.submitted, 0),
    made.submissions - made.corrected,
  );
  assert.equal(
    series.reduce((s, p) => s + p.late, 0),
    made.late,
  );
});
