// Synthetic tasks for measurements, on the shared generator's bulk writer (COPY on both
// databases) and its independent random streams: one directive assigned to every cell of a
// synthetic province (item 2), to every district with subtasks for each of its communes
// (item 3), and to a few districts (items 4 and 5); a tenth of the cells' tasks name their
// commune as supporting; most tasks carry one to three progress reports. Deadlines mix past
// and future days and "daily before 15:00", so that some tasks are overdue when read.
import type { Db, DbKind } from '../core/db/client.ts';
import { streamRng, withBulkWriter, type CopyValue } from '../core/synthetic/generator.ts';
import { between, pick } from '../core/synthetic/random.ts';
import { addDays, localDate } from './deadline.ts';

export type DirectiveTasksOptions = {
  documentId: number;
  assigningUnitId: number;
  cells: { id: number; parentId: number | null }[];
  districts: { id: number }[];
  communes: { id: number; parentId: number | null }[];
  /** Accounts that appear as authors of reports. */
  authorAccountIds: number[];
  now: Date;
  seed?: number;
};

export type DirectiveTasks = { tasks: number; topLevel: number; supports: number; reports: number; ms: number };

const TASK_COLUMNS = ['id', 'parent_id', 'document_id', 'item', 'assigning_unit_id', 'lead_unit_id', 'title', 'description', 'deadline_kind', 'due_date', 'due_time', 'priority', 'status', 'progress', 'created_by', 'created_at', 'updated_at', 'completed_at'] as const;
const REPORT_COLUMNS = ['task_id', 'unit_id', 'author_account_id', 'body', 'figures', 'progress', 'propose_done', 'review', 'created_at'] as const;
const BODIES = [
  'Đã tổ chức quán triệt Công điện đến toàn thể đảng viên trong chi bộ.',
  'Đã phân công đảng viên phụ trách từng cụm dân cư, nắm chắc người về từ vùng dịch.',
  'Đã phối hợp với Tổ Covid cộng đồng rà soát các hộ gia đình; chưa phát hiện trường hợp khai báo sai.',
  'Đang triển khai; còn khó khăn do một số đảng viên cao tuổi không có điện thoại thông minh.',
  'Hoàn thành việc tuyên truyền trên loa truyền thanh thôn, xóm hằng ngày.',
];
const TITLES: Record<string, string> = {
  '2': 'Tăng cường công tác thông tin, tuyên truyền, vận động trong cán bộ, đảng viên và Nhân dân',
  '3': 'Rà soát, hoàn thiện phương án "4 tại chỗ" phù hợp tình hình mới',
  '4': 'Tăng thời lượng, tần suất thông tin, tuyên truyền về tình hình dịch bệnh',
  '5': 'Phát huy vai trò nòng cốt trong tuyên truyền, vận động Nhân dân',
};

export async function generateDirectiveTasks(db: Db, kind: DbKind, opts: DirectiveTasksOptions): Promise<DirectiveTasks> {
  const started = Date.now();
  const seed = opts.seed ?? 2021;
  const r = streamRng(seed, `tasks:${opts.documentId}`);
  const today = localDate(opts.now);
  type Planned = { parent: number | null; item: string; assigning: number; lead: number; support: number | null };
  const plan: Planned[] = [];
  for (const c of opts.cells) plan.push({ parent: null, item: '2', assigning: opts.assigningUnitId, lead: c.id, support: r() < 0.1 ? c.parentId : null });
  for (const d of opts.districts) {
    const at = plan.length;
    plan.push({ parent: null, item: '3', assigning: opts.assigningUnitId, lead: d.id, support: null });
    for (const c of opts.communes.filter((x) => x.parentId === d.id)) plan.push({ parent: at, item: '3', assigning: d.id, lead: c.id, support: null });
  }
  for (const d of opts.districts.slice(0, 2)) plan.push({ parent: null, item: '4', assigning: opts.assigningUnitId, lead: d.id, support: null });
  for (const d of opts.districts.slice(0, 3)) plan.push({ parent: null, item: '5', assigning: opts.assigningUnitId, lead: d.id, support: null });

  return withBulkWriter(db, kind, async (w) => {
    const ids = await w.reserveIds('tasks', plan.length);
    const created = new Date(opts.now.getTime() - 30 * 86_400_000);
    const statusOf = () => {
      const x = r();
      return x < 0.25 ? 'done' : x < 0.65 ? 'in_progress' : x < 0.95 ? 'todo' : 'paused';
    };
    const rows: CopyValue[][] = [];
    const reportRows: CopyValue[][] = [];
    plan.forEach((p, i) => {
      const status = statusOf();
      const shape = r();
      const deadline = shape < 0.5 ? { kind: 'date', date: addDays(today, between(r, -10, 20)), time: null } : shape < 0.8 ? { kind: 'daily', date: addDays(today, -30), time: '15:00' } : { kind: 'none', date: null, time: null };
      const progress = status === 'done' ? 100 : status === 'todo' ? 0 : between(r, 5, 90);
      rows.push([
        ids[i]!,
        p.parent == null ? null : ids[p.parent]!,
        opts.documentId,
        p.item,
        p.assigning,
        p.lead,
        TITLES[p.item] ?? 'Nhiệm vụ',
        '',
        deadline.kind,
        deadline.date,
        deadline.time,
        r() < 0.1 ? 'high' : 'normal',
        status,
        progress,
        null,
        created,
        created,
        status === 'done' ? new Date(created.getTime() + between(r, 1, 25) * 86_400_000) : null,
      ]);
      const n = status === 'todo' ? 0 : between(r, 0, 3);
      for (let k = 0; k < n; k++) {
        const at = new Date(opts.now.getTime() - between(r, 1, 29 * 24) * 3_600_000);
        reportRows.push([ids[i]!, p.lead, opts.authorAccountIds.length ? pick(r, opts.authorAccountIds) : null, pick(r, BODIES), [], progress, false, r() < 0.6 ? 'accepted' : r() < 0.9 ? 'pending' : 'returned', at]);
      }
    });
    await w.copy('tasks', TASK_COLUMNS, rows);
    const supports = plan.flatMap((p, i) => (p.support != null ? [[ids[i]!, p.support] as CopyValue[]] : []));
    if (supports.length) await w.copy('task_supports', ['task_id', 'unit_id'], supports);
    if (reportRows.length) await w.copy('task_reports', REPORT_COLUMNS, reportRows);
    await w.query('analyze tasks, task_supports, task_reports');
    return { tasks: plan.length, topLevel: plan.filter((p) => p.parent == null).length, supports: supports.length, reports: reportRows.length, ms: Date.now() - started };
  });
}
