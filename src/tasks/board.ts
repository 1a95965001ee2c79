// The follow-up board of one directive (bảng theo dõi thực hiện): every item, who leads, the
// status, the units that are overdue (the lead's own task or a subtask's), and the latest
// report — the page an office uses to report back to its standing committee — with its .xlsx
// and PDF exports. Three queries whatever the number of units; "quá hạn" is computed at `now`.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import { formatDate, formatDateTime, todayIso, type Locale } from '../core/i18n/i18n.ts';
import { writeXlsx, type Column } from '../core/xlsx/index.ts';
import { createPdf, pdfBuffer } from '../core/pdf/pdf.ts';
import { documents } from '../documents/schema.ts';
import { deadlineState, type DeadlineRule, type DeadlineState } from './deadline.ts';
import { compareItems, deadlineText } from './format.ts';
import { taskMessages } from './messages.ts';
import { rolledProgress } from './tasks.ts';
import type { ReviewState, TaskPriority, TaskStatus } from './schema.ts';

export type BoardReport = { at: Date; unitName: string | null; body: string; review: ReviewState };
export type BoardRow = {
  taskId: number;
  item: string | null;
  title: string;
  leadName: string;
  supportNames: string[];
  status: TaskStatus;
  priority: TaskPriority;
  rule: DeadlineRule;
  state: DeadlineState;
  progress: number;
  subtasks: number;
  /** The lead (or member) of this task and of any task below it that is overdue. */
  overdueUnits: string[];
  lastReport: BoardReport | null;
};
export type BoardItem = { item: string | null; title: string; rows: BoardRow[]; counts: Record<TaskStatus, number> & { overdue: number } };
export type Board = {
  document: { id: number; number: string | null; kind: string; subject: string; date: string | null; unitId: number };
  items: BoardItem[];
  totals: { tasks: number; done: number; overdue: number };
  now: Date;
};

type Raw = {
  id: number;
  parent_id: number | null;
  item: string | null;
  title: string;
  status: TaskStatus;
  priority: TaskPriority;
  progress: number;
  created_at: string | Date;
  deadline_kind: DeadlineRule['kind'];
  due_date: string | null;
  due_time: string | null;
  recur_weekday: number | null;
  recur_monthday: number | null;
  recur_until: string | null;
  lead_name: string | null;
  member_name: string | null;
};

/** The three statements behind a board (tasks, their supporting units, each task's latest report); exported for the bench's baseline. */
export function boardStatements(documentId: number) {
  return {
    tasks: sql`select t.id, t.parent_id, t.item, t.title, t.status, t.priority, t.progress, t.created_at, t.deadline_kind, t.due_date::text as due_date, t.due_time,
               t.recur_weekday, t.recur_monthday, t.recur_until::text as recur_until, lu.name as lead_name, p.full_name as member_name
        from tasks t left join units lu on lu.id = t.lead_unit_id left join people p on p.id = t.member_person_id
        where t.document_id = ${documentId}`,
    supports: sql`select ts.task_id, u.name from task_supports ts join tasks t on t.id = ts.task_id join units u on u.id = ts.unit_id where t.document_id = ${documentId} order by u.name`,
    reports: sql`select distinct on (r.task_id) r.task_id, r.created_at, u.name as unit_name, left(r.body, 300) as body, r.review
        from task_reports r join tasks t on t.id = r.task_id left join units u on u.id = r.unit_id
        where t.document_id = ${documentId} and r.review <> 'returned'
        order by r.task_id, r.created_at desc, r.id desc`,
  };
}

/** The board of a directive at `now`. */
export async function directiveBoard(db: Db, documentId: number, now: Date): Promise<Board> {
  const [document] = await db.select({ id: documents.id, number: documents.number, kind: documents.kind, subject: documents.subject, date: documents.date, unitId: documents.unitId }).from(documents).where(eq(documents.id, documentId));
  if (!document) throw new Error(`no document ${documentId}`);
  const q = boardStatements(documentId);
  const rows = await queryRows<Raw>(db, q.tasks);
  const supports = await queryRows<{ task_id: number; name: string }>(db, q.supports);
  const reports = await queryRows<{ task_id: number; created_at: string | Date; unit_name: string | null; body: string; review: ReviewState }>(db, q.reports);

  type Node = Raw & { children: Node[]; supports: string[]; last: BoardReport | null; rule: DeadlineRule; state: DeadlineState };
  const lastOf = new Map(reports.map((r) => [Number(r.task_id), { at: new Date(r.created_at), unitName: r.unit_name, body: r.body, review: r.review } satisfies BoardReport]));
  const supportsOf = new Map<number, string[]>();
  for (const s of supports) supportsOf.set(Number(s.task_id), [...(supportsOf.get(Number(s.task_id)) ?? []), s.name]);
  const nodes = new Map<number, Node>();
  for (const r of rows) {
    const id = Number(r.id);
    const rule: DeadlineRule = { kind: r.deadline_kind, dueDate: r.due_date, dueTime: r.due_time, recurWeekday: r.recur_weekday, recurMonthday: r.recur_monthday, recurUntil: r.recur_until };
    const last = lastOf.get(id) ?? null;
    nodes.set(id, { ...r, id, children: [], supports: supportsOf.get(id) ?? [], last, rule, state: deadlineState({ ...rule, status: r.status, createdAt: new Date(r.created_at) }, last?.at ?? null, now) });
  }
  const tops: Node[] = [];
  for (const n of nodes.values()) {
    const parent = n.parent_id != null ? nodes.get(Number(n.parent_id)) : undefined;
    if (parent) parent.children.push(n);
    else tops.push(n);
  }
  const walk = (n: Node, visit: (x: Node) => void) => {
    visit(n);
    for (const c of n.children) walk(c, visit);
  };
  const nameOf = (n: Node) => n.lead_name ?? n.member_name ?? '';
  const byItem = new Map<string, BoardItem>();
  const collator = new Intl.Collator('vi');
  for (const top of tops) {
    const overdueUnits: string[] = [];
    let last: BoardReport | null = null;
    let count = -1;
    walk(top, (x) => {
      count++;
      if (x.state.overdue) overdueUnits.push(nameOf(x));
      if (x.last && (!last || x.last.at > last.at)) last = x.last;
    });
    const row: BoardRow = {
      taskId: top.id,
      item: top.item,
      title: top.title,
      leadName: nameOf(top),
      supportNames: top.supports,
      status: top.status,
      priority: top.priority,
      rule: top.rule,
      state: top.state,
      progress: rolledProgress(top),
      subtasks: count,
      overdueUnits: [...new Set(overdueUnits)],
      lastReport: last,
    };
    const key = top.item ?? '';
    let item = byItem.get(key);
    if (!item) byItem.set(key, (item = { item: top.item, title: top.title, rows: [], counts: { todo: 0, in_progress: 0, done: 0, paused: 0, overdue: 0 } }));
    item.rows.push(row);
    item.counts[row.status]++;
    if (row.overdueUnits.length) item.counts.overdue++;
  }
  const items = [...byItem.values()].sort((a, b) => compareItems(a.item, b.item));
  for (const it of items) it.rows.sort((a, b) => collator.compare(a.leadName, b.leadName) || a.taskId - b.taskId);
  const all = items.flatMap((i) => i.rows);
  return { document, items, totals: { tasks: all.length, done: all.filter((r) => r.status === 'done').length, overdue: all.filter((r) => r.overdueUnits.length > 0).length }, now };
}

const documentLabel = (b: Board) => [b.document.number, b.document.subject].filter(Boolean).join(' — ');

/** The board as a spreadsheet: one row per task, every column of the page. */
export async function boardWorkbook(board: Board, locale: Locale): Promise<Buffer> {
  const m = taskMessages(locale);
  const rows = board.items.flatMap((i) => i.rows);
  const columns: Column<BoardRow>[] = [
    { header: m.board.item, type: 'text', value: (r) => r.item ?? '' },
    { header: m.board.task, width: 50, value: (r) => r.title },
    { header: m.fields.lead, width: 36, value: (r) => r.leadName },
    { header: m.fields.supports, width: 36, value: (r) => r.supportNames.join('; ') },
    { header: m.board.deadline, width: 28, value: (r) => deadlineText(m, r.rule) },
    { header: m.board.status, value: (r) => m.status[r.status] },
    { header: m.overdue, type: 'boolean', value: (r) => r.overdueUnits.length > 0 },
    { header: `${m.board.progress} (%)`, type: 'number', value: (r) => r.progress },
    { header: m.board.overdueUnits, width: 40, value: (r) => r.overdueUnits.join('; ') },
    { header: m.board.lastReport, type: 'date', value: (r) => (r.lastReport ? todayIso(r.lastReport.at) : null) },
    { header: `${m.board.lastReport} — ${m.report.body.toLowerCase()}`, width: 60, value: (r) => r.lastReport?.body ?? '' },
  ];
  const title = m.board.title;
  return writeXlsx([{ name: title, columns, rows }], { creator: documentLabel(board) });
}

/** The board as a PDF for the standing committee: per item, the counts, the overdue units and the rows (long items summarised). */
export async function boardPdf(board: Board, locale: Locale, unitName: string): Promise<Buffer> {
  const m = taskMessages(locale);
  const doc = createPdf({ title: `${m.board.title} — ${documentLabel(board)}`, margin: 48 });
  const width = doc.page.width - 96;
  doc.font('bold').fontSize(11).text(unitName.toUpperCase(), { width });
  doc.moveDown(0.8);
  doc.font('bold').fontSize(15).text(m.board.pdfHeading, { width, align: 'center' });
  doc.font('regular').fontSize(11).text(documentLabel(board), { width, align: 'center' });
  doc.fontSize(10).text(m.board.asOf(formatDateTime(board.now)), { width, align: 'center' });
  doc.moveDown(0.8);
  doc.fontSize(11).text(m.board.summary(board.totals.tasks, board.totals.done, board.totals.overdue), { width });
  for (const it of board.items) {
    doc.moveDown(0.7);
    doc.font('bold').fontSize(12).text(`${it.item ? m.board.itemTitle(it.item) : m.board.noItem}: ${it.title}`, { width });
    doc.font('regular').fontSize(10).text(`${m.board.units(it.rows.length)} — ${m.board.counts(it.counts.done, it.counts.in_progress, it.counts.todo)}${it.counts.overdue ? ` · ${it.counts.overdue} ${m.overdue.toLowerCase()}` : ''}`, { width });
    const overdue = it.rows.flatMap((r) => r.overdueUnits);
    if (overdue.length) {
      const shown = overdue.slice(0, 40);
      doc.font('bold').text(`${m.board.overdueUnits}: `, { width, continued: true }).font('regular').text(`${shown.join('; ')}${overdue.length > shown.length ? ` ${m.board.moreUnits(overdue.length - shown.length)}` : ''}`);
    }
    if (it.rows.length <= 20) {
      for (const r of it.rows) {
        const parts = [`${r.leadName}${r.supportNames.length ? ` (${m.fields.supports.toLowerCase()}: ${r.supportNames.join(', ')})` : ''}`, m.status[r.status], deadlineText(m, r.rule), `${r.progress}%`];
        if (r.overdueUnits.length) parts.push(m.overdue.toUpperCase());
        doc.font('regular').fontSize(10).text(`• ${parts.join(' · ')}`, { width, indent: 8 });
        if (r.lastReport) doc.fontSize(9).fillColor('#333333').text(`${m.board.lastReport} (${formatDate(r.lastReport.at)}${r.lastReport.unitName ? `, ${r.lastReport.unitName}` : ''}): ${r.lastReport.body.replace(/\s+/g, ' ').slice(0, 240)}`, { width, indent: 18 }).fillColor('#000000');
      }
    }
  }
  return pdfBuffer(doc);
}
