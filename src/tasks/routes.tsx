// Routes of the tasks feature: lists, the task page and its commands (status, progress reports
// with files, review, subtasks), assigning by hand or from a directive's items, the follow-up
// board of a directive with its exports, and a small JSON API. Every route is guarded by an
// action of the policy module; "quá hạn" is computed at the feature's clock when read.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, sendAttachment, sendPage } from '../core/http/render.ts';
import { cleanBody, type FieldErrors, type FormValues } from '../core/http/forms.ts';
import { can, holdsOver, type Actor } from '../core/policy/policy.ts';
import { loadUnitResource } from '../core/policy/resources.ts';
import { DomainError } from '../core/errors.ts';
import { formatDate, parseDate, todayIso } from '../core/i18n/i18n.ts';
import { getUnit } from '../org/tree.ts';
import { units, type Unit, type UnitKind } from '../org/schema.ts';
import { members, people } from '../people/schema.ts';
import { orgMessages } from '../org/messages.ts';
import { getDocument, loadDocumentResource } from '../documents/documents.ts';
import { addDocumentSection } from '../documents/routes.tsx';
import { documentMessages } from '../documents/messages.ts';
import { ATTACHMENT_EXTENSIONS, checkAttachment, readMultipart, typeList } from '../documents/uploads.ts';
import { now } from './clock.ts';
import { taskMessages } from './messages.ts';
import { DEADLINE_KINDS, TASK_PRIORITIES, taskSupports, tasks as tasksTable, TASK_STATUSES, type TaskRow, type TaskStatus } from './schema.ts';
import {
  checkTasks,
  createTasks,
  editTask,
  EDIT_FIELDS,
  getTaskDetail,
  getTaskRow,
  isDomainInvalid,
  lastReportTimes,
  listTasks,
  loadTaskResource,
  myOpenTasks,
  ruleOf,
  setTaskStatus,
  taskScope,
  TASK_STAFF_ROLES,
  type TaskDetail,
  type TaskEdit,
  type TaskInput,
  type TaskNode,
  type TaskView,
} from './tasks.ts';
import { addProgressReport, getReportFile, getReportRow, listProgressReports, parseFigures, reviewProgressReport, type ReportFile } from './progress.ts';
import { boardPdf, boardWorkbook, directiveBoard } from './board.ts';
import { assignableUnits, draftTasks, type UnitCandidate } from './suggest.ts';
import { readTaskForm, prefixed } from './form.ts';
import { deadlineState, TIME_RE, type DeadlineState } from './deadline.ts';
import { taskJobs } from './alerts.ts';
import { BoardPage, ChooseUnitPage, EditTaskPage, FromDocumentPage, NewTaskPage, TaskListPage, TaskPage, type DraftView, type TaskFormChoices } from './views.tsx';

const MAX_ID = 2_147_483_647;
const idParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID) });
const unitParams = z.object({ unitId: z.coerce.number().int().positive().max(MAX_ID) });
const reportParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID), reportId: z.coerce.number().int().positive().max(MAX_ID) });
const fileParams = reportParams.extend({ fileId: z.coerce.number().int().positive().max(MAX_ID) });
const blank = (v: unknown) => (v === '' || v == null ? undefined : v);
const listQuery = z.object({
  view: z.preprocess(blank, z.enum(['mine', 'leading', 'assigned', 'all']).optional()).catch(undefined),
  status: z.preprocess(blank, z.enum(['open', ...TASK_STATUSES]).optional()).catch(undefined),
  overdue: z.preprocess(blank, z.literal('1').optional()).catch(undefined),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(10_000).optional()).catch(undefined),
});
type ListQuery = z.infer<typeof listQuery>;
const newQuery = z.object({ document: z.preprocess(blank, z.coerce.number().int().positive().max(MAX_ID).optional()).catch(undefined) });
const boardQuery = z.object({ item: z.string().max(20).optional().catch(undefined) });

const isoDate = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && parseDate(v) === v, { message: 'yyyy-mm-dd' });
const taskPatch = z
  .object({
    title: z.string().max(500).optional(),
    description: z.string().max(10_000).optional(),
    leadUnitId: z.number().int().positive().max(MAX_ID).nullable().optional(),
    memberPersonId: z.number().int().positive().max(MAX_ID).nullable().optional(),
    supportUnitIds: z.array(z.number().int().positive().max(MAX_ID)).max(500).optional(),
    deadline: z
      .object({
        kind: z.enum(DEADLINE_KINDS),
        dueDate: isoDate.nullable().optional().describe('yyyy-mm-dd: the day due, or the first day a recurring rule applies'),
        dueTime: z.string().regex(TIME_RE).nullable().optional().describe('HH:MM in Asia/Ho_Chi_Minh'),
        recurWeekday: z.number().int().min(1).max(7).nullable().optional().describe('1 Monday … 7 Sunday'),
        recurMonthday: z.number().int().min(1).max(31).nullable().optional(),
        recurUntil: isoDate.nullable().optional(),
      })
      .strict()
      .optional(),
    priority: z.enum(TASK_PRIORITIES).optional(),
  })
  .strict();
type TaskPatch = z.infer<typeof taskPatch>;
const apiError = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().nullable().optional(), fields: z.record(z.string(), z.string()).optional() }) });

const byTask = (action: 'task.view' | 'task.manage' | 'task.report' | 'task.split') => guard(action, (req: { params: { id: number } }, rc) => loadTaskResource(rc.db, req.params.id));
const byDocument = (action: 'task.board' | 'task.from_document') => guard(action, (req: { params: { id: number } }, rc) => loadDocumentResource(rc.db, req.params.id));

const isStaff = (a: Actor) => taskScope(a).staffPaths.length > 0;

/** Units where the actor may assign tasks (from their grants). */
async function assignerUnits(rc: RequestContext): Promise<Unit[]> {
  const ids = [...new Set(rc.actor!.grants.filter((g) => g.unitId != null && (TASK_STAFF_ROLES as readonly string[]).includes(g.role)).map((g) => g.unitId!))];
  if (ids.length === 0) return [];
  const list = await rc.db.select().from(units).where(and(inArray(units.id, ids), eq(units.status, 'active'), ne(units.tree, 'external'))).orderBy(asc(units.path));
  return list.filter((u) => can(rc.actor, 'task.assign', { type: 'unit', id: u.id, path: u.path, tree: u.tree, kind: u.kind }));
}

/** What the task forms offer for an assigning unit. */
async function formChoices(rc: RequestContext, assigning: Unit, opts: { lowerOnly?: boolean } = {}): Promise<TaskFormChoices> {
  const list: UnitCandidate[] = opts.lowerOnly
    ? await rc.db
        .select({ id: units.id, name: units.name, shortName: units.shortName, tree: units.tree, kind: units.kind, depth: units.depth, path: units.path })
        .from(units)
        .where(and(sql`${units.path} like ${`${assigning.path}%`}`, ne(units.id, assigning.id), eq(units.status, 'active'), sql`${units.depth} <= ${assigning.depth + 2}`))
        .orderBy(asc(units.path))
    : await assignableUnits(rc.db, assigning);
  const memberRows =
    assigning.kind === 'cell'
      ? await rc.db
          .select({ personId: people.id, fullName: people.fullName })
          .from(members)
          .innerJoin(people, eq(people.id, members.personId))
          .where(and(eq(members.unitId, assigning.id), inArray(members.status, ['active', 'temporarily_transferred'])))
          .orderBy(asc(people.sortKey))
      : [];
  const kindRows = await rc.db
    .select({ kind: units.kind, n: sql<number>`count(*)::int` })
    .from(units)
    .where(and(sql`${units.path} like ${`${assigning.path}%`}`, ne(units.id, assigning.id), eq(units.status, 'active')))
    .groupBy(units.kind);
  const kindLabels = orgMessages(rc.locale).kinds as Record<string, string>;
  return { units: list, members: memberRows, kinds: kindRows.filter((k) => k.n > 1).map((k) => ({ kind: k.kind as UnitKind, label: kindLabels[k.kind] ?? k.kind, count: Number(k.n) })) };
}

/** Form values for the page: strings, lists joined by commas. */
function valuesOf(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    if (Array.isArray(v)) out[k] = v.map(String).join(',');
    else if (v != null) out[k] = String(v);
  }
  return out;
}

/** Expands "every lower unit of this kind" into one input per unit. */
async function expandLeadKind(rc: RequestContext, assigning: Unit, base: TaskInput, kind: string): Promise<TaskInput[]> {
  const list = await rc.db
    .select({ id: units.id })
    .from(units)
    .where(and(sql`${units.path} like ${`${assigning.path}%`}`, ne(units.id, assigning.id), eq(units.kind, kind as UnitKind), eq(units.status, 'active')))
    .orderBy(asc(units.path));
  return list.map((u) => ({ ...base, leadUnitId: u.id, memberPersonId: null, supportUnitIds: base.supportUnitIds.filter((s) => s !== u.id) }));
}

async function renderTask(rc: RequestContext, reply: FastifyReply, id: number, extra: Partial<Pick<Parameters<typeof TaskPage>[0], 'reportErrors' | 'reportValues' | 'reviewErrors'>> = {}, status = 200) {
  const detail = await getTaskDetail(rc.db, id);
  const at = now();
  const ids: number[] = [];
  const walk = (n: TaskNode) => {
    ids.push(n.id);
    n.children.forEach(walk);
  };
  walk(detail.tree);
  const states = new Map<number, DeadlineState>();
  const visit = (n: TaskNode) => {
    states.set(n.id, deadlineState({ ...ruleOf(n), status: n.status, createdAt: n.createdAt }, n.lastReportAt, at));
    n.children.forEach(visit);
  };
  visit(detail.tree);
  const res = (await loadTaskResource(rc.db, id))!;
  const canManage = can(rc.actor, 'task.manage', res);
  const { units: reportUnits, onBehalfOf } = reportingOptions(rc.actor!, detail, res);
  const canBoard = detail.document ? can(rc.actor, 'task.board', (await loadDocumentResource(rc.db, detail.document.id))!) : false;
  return sendPage(
    reply,
    <TaskPage
      rc={rc}
      detail={detail}
      state={states.get(id)!}
      reports={await listProgressReports(rc.db, ids)}
      canManage={canManage}
      canEdit={canManage && detail.task.status !== 'done'}
      canSplit={can(rc.actor, 'task.split', res)}
      canBoard={canBoard}
      reportUnits={reportUnits}
      onBehalfOf={onBehalfOf}
      subtaskStates={states}
      {...extra}
    />,
    status,
  );
}

/** The units the actor may report for on this task (and whether as a member's cell leader). */
function reportingOptions(actor: Actor, d: TaskDetail, res: NonNullable<Awaited<ReturnType<typeof loadTaskResource>>>) {
  if (!can(actor, 'task.report', res)) return { units: [], onBehalfOf: null };
  if (d.member) {
    const self = actor.personId === d.member.personId;
    return { units: [{ id: null, name: d.member.fullName }], onBehalfOf: self ? null : { personId: d.member.personId, fullName: d.member.fullName } };
  }
  const list = [...(d.lead ? [d.lead] : []), ...d.supports].filter((u) => holdsOver(actor, [...TASK_STAFF_ROLES], u.path)).map((u) => ({ id: u.id as number | null, name: u.name }));
  return { units: list, onBehalfOf: null };
}

const documentLabel = (rc: RequestContext, d: { kind: string; number: string | null; subject: string }) => {
  const kinds = documentMessages(rc.locale).kinds as Record<string, string>;
  return `${kinds[d.kind] ?? ''} ${d.number ?? ''}`.trim() + (d.subject ? ` — ${d.subject}` : '');
};

async function existingForDocument(rc: RequestContext, documentId: number): Promise<number> {
  const [row] = await rc.db.select({ n: sql<number>`count(*)::int` }).from(tasksTable).where(and(eq(tasksTable.documentId, documentId), sql`${tasksTable.parentId} is null`));
  return Number(row?.n ?? 0);
}

/** Initial values of the drafts read from a directive. */
function draftValues(drafts: Awaited<ReturnType<typeof draftTasks>>, today: string): FormValues {
  const v: FormValues = {};
  drafts.forEach((d, i) => {
    const p = `s${i}_`;
    if (d.leadUnitId) v[`${p}include`] = '1';
    v[`${p}title`] = d.title;
    v[`${p}description`] = d.text;
    if (d.leadUnitId) v[`${p}leadUnitId`] = String(d.leadUnitId);
    v[`${p}supportUnitIds`] = d.supportUnitIds.join(',');
    v[`${p}priority`] = 'normal';
    const dl = d.deadline;
    if (!dl) v[`${p}deadlineKind`] = 'none';
    else if (dl.kind === 'date') {
      v[`${p}deadlineKind`] = dl.time ? 'datetime' : 'date';
      v[`${p}dueDate`] = formatDate(dl.date);
      if (dl.time) v[`${p}dueTime`] = dl.time;
    } else {
      v[`${p}deadlineKind`] = dl.every === 'day' ? 'daily' : dl.every === 'week' ? 'weekly' : 'monthly';
      v[`${p}dueDate`] = formatDate(today);
      if (dl.time) v[`${p}dueTime`] = dl.time;
      if (dl.every === 'week') v[`${p}recurWeekday`] = String(((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) + 1);
      if (dl.every === 'month') v[`${p}recurMonthday`] = String(Number(today.slice(8, 10)));
    }
  });
  return v;
}

function draftViews(drafts: Awaited<ReturnType<typeof draftTasks>>): DraftView[] {
  return drafts.map((d, i) => ({ index: i, item: d.item, leadName: d.leadName, deadlineText: d.deadline_text, unmatched: d.unmatched }));
}

export const tasksFeature: Feature = {
  name: 'tasks',
  navLinks: (rc) => (rc.actor && taskScope(rc.actor).staffPaths.length > 0 ? [{ href: '/tasks', label: taskMessages(rc.locale).nav.tasks }] : []),
  homeTiles: async (rc) => {
    if (!rc.actor) return [];
    const m = taskMessages(rc.locale);
    const scope = taskScope(rc.actor);
    const mine = await myOpenTasks(rc.db, scope, now());
    if (scope.staffPaths.length > 0) return [{ href: '/tasks', icon: '📋', label: m.nav.tasks, sub: mine.open ? m.nav.tileSub(mine.open, mine.overdue) : m.nav.staffTileSub(0), ...(mine.open ? { count: mine.open } : {}) }];
    if (mine.open === 0) return [];
    return [{ href: '/tasks?view=mine', icon: '📋', label: m.nav.myTasks, sub: m.nav.tileSub(mine.open, mine.overdue), count: mine.open }];
  },
  jobs: taskJobs,
  routes: (app: FastifyInstance) => {
    // On a document's page: assign tasks from its items, follow them on its board.
    addDocumentSection(app, async (rc, doc) => {
      const res = await loadDocumentResource(rc.db, doc.id);
      if (!res) return null;
      const canAssign = can(rc.actor, 'task.from_document', res);
      const canBoard = can(rc.actor, 'task.board', res);
      if (!canAssign && !canBoard) return null;
      const m = taskMessages(rc.locale);
      const n = await existingForDocument(rc, doc.id);
      return (
        <section aria-labelledby="h-doc-tasks" class="no-print">
          <h2 id="h-doc-tasks">{m.nav.tasks}</h2>
          {n ? <p>{m.fromDocument.already(n)}</p> : null}
          <p class="actions">
            {canAssign ? (
              <a class="button primary" href={`/tasks/documents/${doc.id}/new`}>
                {m.fromDocument.link}
              </a>
            ) : null}
            {canBoard && n ? (
              <a class="button" href={`/tasks/documents/${doc.id}`}>
                {m.task.board}
              </a>
            ) : null}
          </p>
        </section>
      );
    });

    defineRoute<unknown, ListQuery>(app, {
      method: 'GET',
      url: '/tasks',
      query: listQuery,
      access: guard('task.list', () => ({ type: 'self' as const })),
      handler: async (req, reply, rc) => {
        const staff = isStaff(rc.actor!);
        const views: TaskView[] = staff ? ['mine', 'leading', 'assigned'] : ['mine'];
        const view: TaskView = req.query.view && views.includes(req.query.view) ? req.query.view : staff ? 'leading' : 'mine';
        const page = req.query.page ?? 1;
        const { rows, total } = await listTasks(rc.db, taskScope(rc.actor!), { view, status: req.query.status, overdueOnly: req.query.overdue === '1', limit: 50, offset: (page - 1) * 50 }, now());
        const canAssign = staff && (await assignerUnits(rc)).length > 0;
        return sendPage(reply, <TaskListPage rc={rc} view={view} views={views} status={req.query.status ?? ''} overdueOnly={req.query.overdue === '1'} rows={rows} total={total} page={page} canAssign={canAssign} />);
      },
    });

    // Assigning by hand.
    defineRoute(app, {
      method: 'GET',
      url: '/tasks/new',
      access: guard('task.list', () => ({ type: 'self' as const })),
      handler: async (_req, reply, rc) => {
        const list = await assignerUnits(rc);
        if (list.length === 1) return reply.redirect(`/tasks/units/${list[0]!.id}/new`, 303);
        return sendPage(reply, <ChooseUnitPage rc={rc} units={list} />);
      },
    });
    const byUnit = guard('task.assign', (req: { params: { unitId: number } }, rc) => loadUnitResource(rc.db, req.params.unitId));
    defineRoute<{ unitId: number }, z.infer<typeof newQuery>>(app, {
      method: 'GET',
      url: '/tasks/units/:unitId/new',
      params: unitParams,
      query: newQuery,
      access: byUnit,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.unitId);
        const doc = req.query.document ? await documentFor(rc, req.query.document) : null;
        return sendPage(reply, <NewTaskPage rc={rc} assigning={unit} action={`/tasks/units/${unit.id}/new${doc ? `?document=${doc.id}` : ''}`} values={{ deadlineKind: 'date', priority: 'normal' }} choices={await formChoices(rc, unit)} document={doc} />);
      },
    });
    defineRoute<{ unitId: number }, z.infer<typeof newQuery>>(app, {
      method: 'POST',
      url: '/tasks/units/:unitId/new',
      params: unitParams,
      query: newQuery,
      access: byUnit,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.unitId);
        const doc = req.query.document ? await documentFor(rc, req.query.document) : null;
        const body = cleanBody(req.body);
        const at = now();
        const form = readTaskForm(body, '', rc.locale, todayIso(at));
        const item = typeof body.item === 'string' ? body.item.slice(0, 20) : null;
        const base: TaskInput = { ...form.input, assigningUnitId: unit.id, parentId: null, documentId: doc?.id ?? null, item };
        const m = taskMessages(rc.locale);
        let inputs: TaskInput[] = [base];
        const errors: FieldErrors = { ...form.errors };
        if (form.leadKind) {
          if (base.leadUnitId || base.memberPersonId) errors.leadKind = m.errors.bothAssignees;
          else {
            inputs = await expandLeadKind(rc, unit, base, form.leadKind);
            if (inputs.length === 0) errors.leadKind = m.errors.noUnitsOfKind;
          }
        }
        if (!Object.keys(errors).length) {
          const checked = await checkTasks(rc.db, inputs.slice(0, 1), { now: at, locale: rc.locale });
          Object.assign(errors, checked[0]);
        }
        const render = async (status: number, errs: FieldErrors) =>
          sendPage(reply, <NewTaskPage rc={rc} assigning={unit} action={`/tasks/units/${unit.id}/new${doc ? `?document=${doc.id}` : ''}`} values={valuesOf(body)} errors={errs} choices={await formChoices(rc, unit)} document={doc} />, status);
        if (Object.keys(errors).length) return render(422, errors);
        try {
          const created = await createTasks(rc.db, rc.who, inputs, { now: at, locale: rc.locale });
          return redirectWithFlash(reply, created.length === 1 ? `/tasks/${created[0]!.id}` : doc ? `/tasks/documents/${doc.id}` : '/tasks?view=assigned', m.task.created(created.length));
        } catch (e) {
          if (!isDomainInvalid(e)) throw e;
          return render(422, { [(e.details?.field as string) ?? '_form']: e.message });
        }
      },
    });

    // One task.
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/tasks/:id',
      params: idParams,
      access: byTask('task.view'),
      handler: async (req, reply, rc) => renderTask(rc, reply, req.params.id),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/tasks/:id/status',
      params: idParams,
      access: byTask('task.manage'),
      handler: async (req, reply, rc) => {
        const m = taskMessages(rc.locale);
        const b = cleanBody(req.body) as { status?: string };
        try {
          await setTaskStatus(rc.db, rc.who, req.params.id, (b.status ?? '') as TaskStatus, { now: now(), locale: rc.locale });
        } catch (e) {
          if (!isDomainInvalid(e)) throw e;
          return redirectWithFlash(reply, `/tasks/${req.params.id}`, e.message);
        }
        return redirectWithFlash(reply, `/tasks/${req.params.id}`, m.task.statusSaved);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/tasks/:id/reports',
      params: idParams,
      access: byTask('task.report'),
      handler: async (req, reply, rc) => {
        const m = taskMessages(rc.locale);
        const dm = documentMessages(rc.locale).errors;
        const mp = await readMultipart(req);
        const field = (k: string) => {
          const v = mp.fields[k];
          return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).normalize('NFC').trim();
        };
        const errors: FieldErrors = {};
        const mb = Math.round(rc.config.maxUploadBytes / 1048576);
        if (mp.tooLarge.length) errors.files = dm.fileTooLarge(mp.tooLarge[0]!, mb);
        else if (mp.tooManyFiles) errors.files = dm.tooManyFiles(5);
        const files: ReportFile[] = [];
        for (const f of mp.files.filter((x) => x.field === 'files')) {
          const check = checkAttachment(f);
          if (!check.ok) errors.files ??= check.problem.kind === 'empty' ? dm.fileEmpty(f.fileName) : check.problem.kind === 'content' ? dm.fileContent(f.fileName) : dm.fileType(f.fileName, typeList(ATTACHMENT_EXTENSIONS));
          else files.push({ fileName: f.fileName, mime: check.mime, bytes: f.bytes });
        }
        const detail = await getTaskDetail(rc.db, req.params.id);
        const res = (await loadTaskResource(rc.db, req.params.id))!;
        const options = reportingOptions(rc.actor!, detail, res);
        const unitRaw = field('unitId');
        const chosen = options.units.find((u) => String(u.id ?? '') === unitRaw) ?? (options.units.length === 1 ? options.units[0] : undefined);
        if (!chosen) errors.unitId = m.errors.notReporter;
        const figures = parseFigures(field('figures'), rc.locale);
        if (!figures.ok) errors.figures = figures.error;
        const progressRaw = field('progress').replace(/%$/, '').trim();
        const progress = progressRaw === '' ? null : /^\d{1,3}$/.test(progressRaw) ? Number(progressRaw) : NaN;
        if (progress != null && !(progress >= 0 && progress <= 100)) errors.progress = m.errors.progress;
        const body = field('body');
        if (!body) errors.body = m.errors.reportBody;
        else if (body.length > 10_000) errors.body = m.errors.reportBodyLong;
        const values: FormValues = { body, figures: field('figures'), progress: field('progress'), unitId: unitRaw, proposeDone: field('proposeDone'), onBehalf: field('onBehalf') };
        if (Object.keys(errors).length) return renderTask(rc, reply, req.params.id, { reportErrors: errors, reportValues: values }, mp.tooLarge.length ? 413 : 422);
        try {
          await addProgressReport(
            rc.db,
            rc.who,
            {
              taskId: req.params.id,
              unitId: chosen!.id,
              body,
              figures: figures.ok ? figures.figures : [],
              progress: progress as number | null,
              proposeDone: field('proposeDone') === '1',
              files,
              onBehalfOfPersonId: options.onBehalfOf && field('onBehalf') === '1' ? options.onBehalfOf.personId : options.onBehalfOf ? options.onBehalfOf.personId : null,
            },
            { now: now(), locale: rc.locale },
          );
        } catch (e) {
          if (!isDomainInvalid(e)) throw e;
          return renderTask(rc, reply, req.params.id, { reportErrors: { [(e.details?.field as string) ?? '_form']: e.message }, reportValues: values }, 422);
        }
        return redirectWithFlash(reply, `/tasks/${req.params.id}`, m.report.sent);
      },
    });
    defineRoute<{ id: number; reportId: number }>(app, {
      method: 'POST',
      url: '/tasks/:id/reports/:reportId/review',
      params: reportParams,
      access: byTask('task.manage'),
      handler: async (req, reply, rc) => {
        const m = taskMessages(rc.locale);
        const report = await getReportRow(rc.db, req.params.reportId);
        if (report.taskId !== req.params.id) throw new DomainError('not_found', 'Không tìm thấy báo cáo.');
        const b = cleanBody(req.body) as { decision?: string; reviewNote?: string };
        const accept = b.decision === 'accept';
        try {
          await reviewProgressReport(rc.db, rc.who, report.id, { accept, note: b.reviewNote ?? null }, { now: now(), locale: rc.locale });
        } catch (e) {
          if (!isDomainInvalid(e)) throw e;
          return renderTask(rc, reply, req.params.id, { reviewErrors: { reportId: report.id, errors: { [(e.details?.field as string) ?? '_form']: e.message } } }, 422);
        }
        return redirectWithFlash(reply, `/tasks/${req.params.id}`, m.report.reviewed(accept));
      },
    });
    defineRoute<{ id: number; reportId: number; fileId: number }>(app, {
      method: 'GET',
      url: '/tasks/:id/reports/:reportId/files/:fileId',
      params: fileParams,
      access: byTask('task.view'),
      handler: async (req, reply) => {
        const file = await getReportFile(req.rc.db, req.params.id, req.params.reportId, req.params.fileId);
        return sendAttachment(reply, { name: file.fileName, type: file.mime, body: file.content });
      },
    });

    // Editing, by the assigning unit's staff: the creation form, filled in.
    const editPage = async (rc: RequestContext, reply: FastifyReply, task: TaskRow, values: FormValues, errors?: FieldErrors) => {
      const assigning = await getUnit(rc.db, task.assigningUnitId);
      const parent = task.parentId ? await getTaskRow(rc.db, task.parentId) : null;
      const choices = await formChoices(rc, assigning, { lowerOnly: parent != null });
      // The units already on the task stay choosable even if the list would not offer them now.
      const onTask = [...(task.leadUnitId ? [task.leadUnitId] : []), ...(await supportIdsOf(rc, task.id))].filter((uid) => !choices.units.some((u) => u.id === uid));
      if (onTask.length) {
        const extra = await rc.db.select({ id: units.id, name: units.name, shortName: units.shortName, tree: units.tree, kind: units.kind, depth: units.depth, path: units.path }).from(units).where(inArray(units.id, onTask));
        choices.units = [...choices.units, ...extra.filter((u) => u.tree !== 'external')];
      }
      if (task.memberPersonId && !choices.members.some((x) => x.personId === task.memberPersonId)) {
        const [p] = await rc.db.select({ personId: people.id, fullName: people.fullName }).from(people).where(eq(people.id, task.memberPersonId));
        if (p) choices.members = [...choices.members, p];
      }
      return sendPage(
        reply,
        <EditTaskPage rc={rc} taskId={task.id} taskTitle={task.title} assigning={assigning} values={values} errors={errors} choices={choices} parent={parent ? { id: parent.id, title: parent.title } : null} />,
        errors ? 422 : 200,
      );
    };
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/tasks/:id/edit',
      params: idParams,
      access: byTask('task.manage'),
      handler: async (req, reply, rc) => {
        const task = await getTaskRow(rc.db, req.params.id);
        if (task.status === 'done') return redirectWithFlash(reply, `/tasks/${task.id}`, taskMessages(rc.locale).errors.editDone);
        return editPage(rc, reply, task, await taskValues(rc, task));
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/tasks/:id/edit',
      params: idParams,
      access: byTask('task.manage'),
      handler: async (req, reply, rc) => {
        const m = taskMessages(rc.locale);
        const task = await getTaskRow(rc.db, req.params.id);
        if (task.status === 'done') return redirectWithFlash(reply, `/tasks/${task.id}`, m.errors.editDone);
        const body = cleanBody(req.body);
        const at = now();
        const form = readTaskForm(body, '', rc.locale, todayIso(at));
        if (Object.keys(form.errors).length) return editPage(rc, reply, task, valuesOf(body), form.errors);
        try {
          const { changed } = await editTask(rc.db, rc.who, task.id, form.input, { now: at, locale: rc.locale });
          return redirectWithFlash(reply, `/tasks/${task.id}`, changed.length ? m.task.saved : m.task.unchanged);
        } catch (e) {
          if (e instanceof DomainError && e.code === 'conflict') return redirectWithFlash(reply, `/tasks/${task.id}`, e.message);
          if (!isDomainInvalid(e)) throw e;
          const errors = (e.details?.errors as FieldErrors | undefined) ?? { [(e.details?.field as string) ?? '_form']: e.message };
          return editPage(rc, reply, task, valuesOf(body), errors);
        }
      },
    });

    // Subtasks for the lead unit's lower units.
    const subtaskPage = async (rc: RequestContext, reply: FastifyReply, id: number, values: FormValues, errors?: FieldErrors) => {
      const parent = await getTaskRow(rc.db, id);
      const lead = await getUnit(rc.db, parent.leadUnitId!);
      return sendPage(
        reply,
        <NewTaskPage rc={rc} assigning={lead} action={`/tasks/${id}/subtasks/new`} values={values} errors={errors} choices={await formChoices(rc, lead, { lowerOnly: true })} parent={{ id: parent.id, title: parent.title }} />,
        errors ? 422 : 200,
      );
    };
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/tasks/:id/subtasks/new',
      params: idParams,
      access: byTask('task.split'),
      handler: async (req, reply, rc) => {
        const parent = await getTaskRow(rc.db, req.params.id);
        const values: FormValues = { title: parent.title, description: parent.description, priority: parent.priority, deadlineKind: parent.deadlineKind };
        if (parent.dueDate) values.dueDate = formatDate(parent.dueDate);
        if (parent.dueTime) values.dueTime = parent.dueTime;
        if (parent.recurWeekday) values.recurWeekday = String(parent.recurWeekday);
        if (parent.recurMonthday) values.recurMonthday = String(parent.recurMonthday);
        if (parent.recurUntil) values.recurUntil = formatDate(parent.recurUntil);
        return subtaskPage(rc, reply, req.params.id, values);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/tasks/:id/subtasks/new',
      params: idParams,
      access: byTask('task.split'),
      handler: async (req, reply, rc) => {
        const m = taskMessages(rc.locale);
        const parent = await getTaskRow(rc.db, req.params.id);
        const lead = await getUnit(rc.db, parent.leadUnitId!);
        const body = cleanBody(req.body);
        const at = now();
        const form = readTaskForm(body, '', rc.locale, todayIso(at));
        const base: TaskInput = { ...form.input, assigningUnitId: lead.id, parentId: parent.id, documentId: parent.documentId, item: parent.item };
        const errors: FieldErrors = { ...form.errors };
        let inputs = [base];
        if (form.leadKind) {
          if (base.leadUnitId || base.memberPersonId) errors.leadKind = m.errors.bothAssignees;
          else {
            inputs = await expandLeadKind(rc, lead, base, form.leadKind);
            if (inputs.length === 0) errors.leadKind = m.errors.noUnitsOfKind;
          }
        }
        if (!Object.keys(errors).length) Object.assign(errors, (await checkTasks(rc.db, inputs.slice(0, 1), { now: at, locale: rc.locale }))[0]);
        if (Object.keys(errors).length) return subtaskPage(rc, reply, parent.id, valuesOf(body), errors);
        try {
          const created = await createTasks(rc.db, rc.who, inputs, { now: at, locale: rc.locale });
          return redirectWithFlash(reply, `/tasks/${parent.id}`, m.task.created(created.length));
        } catch (e) {
          if (!isDomainInvalid(e)) throw e;
          return subtaskPage(rc, reply, parent.id, valuesOf(body), { [(e.details?.field as string) ?? '_form']: e.message });
        }
      },
    });

    // From a directive's numbered items.
    const fromDocumentPage = async (rc: RequestContext, reply: FastifyReply, documentId: number, values: FormValues | null, errors?: FieldErrors) => {
      const doc = await getDocument(rc.db, documentId);
      const assigning = await getUnit(rc.db, doc.unitId);
      const drafts = await draftTasks(rc.db, { body: doc.body, date: doc.date });
      return sendPage(
        reply,
        <FromDocumentPage
          rc={rc}
          document={{ id: doc.id, label: documentLabel(rc, doc) }}
          assigning={assigning}
          drafts={draftViews(drafts)}
          values={values ?? draftValues(drafts, todayIso(now()))}
          errors={errors}
          choices={await formChoices(rc, assigning)}
          existing={await existingForDocument(rc, doc.id)}
        />,
        errors ? 422 : 200,
      );
    };
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/tasks/documents/:id/new',
      params: idParams,
      access: byDocument('task.from_document'),
      handler: async (req, reply, rc) => fromDocumentPage(rc, reply, req.params.id, null),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/tasks/documents/:id/new',
      params: idParams,
      access: byDocument('task.from_document'),
      handler: async (req, reply, rc) => {
        const m = taskMessages(rc.locale);
        const doc = await getDocument(rc.db, req.params.id);
        const body = cleanBody(req.body);
        const at = now();
        const count = Math.min(200, Math.max(0, Number(body.count) || 0));
        const errors: FieldErrors = {};
        const inputs: TaskInput[] = [];
        const prefixes: string[] = [];
        for (let i = 0; i < count; i++) {
          const prefix = `s${i}_`;
          if (body[`${prefix}include`] !== '1') continue;
          const form = readTaskForm(body, prefix, rc.locale, todayIso(at));
          Object.assign(errors, form.errors);
          const item = typeof body[`${prefix}item`] === 'string' ? (body[`${prefix}item`] as string).slice(0, 20) : null;
          inputs.push({ ...form.input, assigningUnitId: doc.unitId, parentId: null, documentId: doc.id, item });
          prefixes.push(prefix);
        }
        if (inputs.length === 0) errors._form = m.errors.noneSelected;
        else {
          const checked = await checkTasks(rc.db, inputs, { now: at, locale: rc.locale });
          checked.forEach((e, i) => {
            for (const [k, v] of Object.entries(prefixed(e, prefixes[i]!))) errors[k] ??= v;
          });
        }
        if (Object.keys(errors).length) return fromDocumentPage(rc, reply, doc.id, valuesOf(body), errors);
        try {
          const created = await createTasks(rc.db, rc.who, inputs, { now: at, locale: rc.locale });
          return redirectWithFlash(reply, `/tasks/documents/${doc.id}`, m.task.created(created.length));
        } catch (e) {
          if (!isDomainInvalid(e)) throw e;
          const i = Number(e.details?.index ?? 0);
          return fromDocumentPage(rc, reply, doc.id, valuesOf(body), { [`${prefixes[i] ?? ''}${(e.details?.field as string) ?? '_form'}`]: e.message });
        }
      },
    });

    // The follow-up board.
    defineRoute<{ id: number }, z.infer<typeof boardQuery>>(app, {
      method: 'GET',
      url: '/tasks/documents/:id',
      params: idParams,
      query: boardQuery,
      access: byDocument('task.board'),
      handler: async (req, reply, rc) => {
        const doc = await getDocument(rc.db, req.params.id);
        const board = await directiveBoard(rc.db, doc.id, now());
        const res = (await loadDocumentResource(rc.db, doc.id))!;
        return sendPage(reply, <BoardPage rc={rc} board={board} documentLabel={documentLabel(rc, doc)} canAssign={can(rc.actor, 'task.from_document', res)} expand={req.query.item ?? null} />);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/tasks/documents/:id/board.xlsx',
      params: idParams,
      access: byDocument('task.board'),
      handler: async (req, reply, rc) => {
        const board = await directiveBoard(rc.db, req.params.id, now());
        const bytes = await boardWorkbook(board, rc.locale);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="theo-doi-van-ban-${req.params.id}.xlsx"`)
          .header('cache-control', 'private, no-store')
          .send(bytes);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/tasks/documents/:id/board.pdf',
      params: idParams,
      access: byDocument('task.board'),
      handler: async (req, reply, rc) => {
        const board = await directiveBoard(rc.db, req.params.id, now());
        const unit = await getUnit(rc.db, board.document.unitId);
        const bytes = await boardPdf(board, rc.locale, unit.name);
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="theo-doi-van-ban-${req.params.id}.pdf"`).header('cache-control', 'private, no-store').send(bytes);
      },
    });

    // JSON API.
    const taskJson = z.object({
      id: z.number(),
      title: z.string(),
      status: z.enum(TASK_STATUSES),
      overdue: z.boolean(),
      dueAt: z.string().nullable().describe('The deadline missed (when overdue) or the next one'),
      assignee: z.string().nullable(),
      assigningUnit: z.string(),
      documentId: z.number().nullable(),
      item: z.string().nullable(),
    });
    defineRoute<unknown, ListQuery>(app, {
      method: 'GET',
      url: '/api/v1/tasks',
      query: listQuery,
      access: guard('task.list', () => ({ type: 'self' as const })),
      doc: { summary: "Tasks the caller may see (view: mine, leading, assigned, all), with 'overdue' computed now in Asia/Ho_Chi_Minh", tags: ['tasks'], response: { 200: z.object({ tasks: z.array(taskJson), total: z.number() }) } },
      handler: async (req, _reply, rc) => {
        const page = req.query.page ?? 1;
        const { rows, total } = await listTasks(rc.db, taskScope(rc.actor!), { view: req.query.view ?? 'all', status: req.query.status, overdueOnly: req.query.overdue === '1', limit: 50, offset: (page - 1) * 50 }, now());
        return {
          tasks: rows.map((r) => ({ id: r.id, title: r.title, status: r.status, overdue: r.state.overdue, dueAt: r.state.dueAt?.toISOString() ?? null, assignee: r.leadName ?? r.memberName, assigningUnit: r.assigningName, documentId: r.documentId, item: r.item })),
          total,
        };
      },
    });
    const oneTask = async (rc: RequestContext, id: number) => {
      const d = await getTaskDetail(rc.db, id);
      const last = (await lastReportTimes(rc.db, [d.task.id])).get(d.task.id) ?? null;
      const state = deadlineState({ ...ruleOf(d.task), status: d.task.status, createdAt: d.task.createdAt }, last, now());
      return { id: d.task.id, title: d.task.title, status: d.task.status, overdue: state.overdue, dueAt: state.dueAt?.toISOString() ?? null, assignee: d.lead?.name ?? d.member?.fullName ?? null, assigningUnit: d.assigning.name, documentId: d.task.documentId, item: d.task.item };
    };
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/api/v1/tasks/:id',
      params: idParams,
      access: byTask('task.view'),
      doc: { summary: 'One task', tags: ['tasks'], response: { 200: taskJson } },
      handler: async (req, _reply, rc) => oneTask(rc, req.params.id),
    });
    defineRoute<{ id: number }, unknown, TaskPatch>(app, {
      method: 'PATCH',
      url: '/api/v1/tasks/:id',
      params: idParams,
      body: taskPatch,
      access: byTask('task.manage'),
      doc: {
        summary:
          "Edit a task (the assigning unit's staff). Fields left out keep their value; a new lead unit clears the member and a new member clears the lead unless both are sent. Validated as at creation: a deadline that has passed is refused unless it is left unchanged. A task that is done is refused (409) until its status is changed back.",
        tags: ['tasks'],
        response: { 200: taskJson.extend({ changed: z.array(z.enum(EDIT_FIELDS)) }), 422: apiError, 409: apiError },
      },
      handler: async (req, reply, rc) => {
        const task = await getTaskRow(rc.db, req.params.id);
        const b = req.body;
        const rule = ruleOf(task);
        const edit: TaskEdit = {
          title: b.title ?? task.title,
          description: b.description ?? task.description,
          leadUnitId: b.leadUnitId !== undefined ? b.leadUnitId : b.memberPersonId != null ? null : task.leadUnitId,
          memberPersonId: b.memberPersonId !== undefined ? b.memberPersonId : b.leadUnitId != null ? null : task.memberPersonId,
          supportUnitIds: b.supportUnitIds ?? (await supportIdsOf(rc, task.id)),
          deadline: b.deadline
            ? { kind: b.deadline.kind, dueDate: b.deadline.dueDate ?? null, dueTime: b.deadline.dueTime ?? null, recurWeekday: b.deadline.recurWeekday ?? null, recurMonthday: b.deadline.recurMonthday ?? null, recurUntil: b.deadline.recurUntil ?? null }
            : rule,
          priority: b.priority ?? task.priority,
        };
        try {
          const { changed } = await editTask(rc.db, rc.who, task.id, edit, { now: now(), locale: rc.locale });
          return { ...(await oneTask(rc, task.id)), changed };
        } catch (e) {
          if (!isDomainInvalid(e)) throw e;
          return reply.code(422).send({ error: { code: 'invalid', message: e.message, field: (e.details?.field as string) ?? null, fields: (e.details?.errors as FieldErrors | undefined) ?? {} } });
        }
      },
    });
  },
};

async function supportIdsOf(rc: RequestContext, taskId: number): Promise<number[]> {
  return (await rc.db.select({ unitId: taskSupports.unitId }).from(taskSupports).where(eq(taskSupports.taskId, taskId))).map((r) => r.unitId);
}

/** A task as the form's values (dates as dd/mm/yyyy). */
async function taskValues(rc: RequestContext, task: TaskRow): Promise<FormValues> {
  const v: FormValues = { title: task.title, description: task.description, priority: task.priority, deadlineKind: task.deadlineKind, supportUnitIds: (await supportIdsOf(rc, task.id)).join(',') };
  if (task.leadUnitId) v.leadUnitId = String(task.leadUnitId);
  if (task.memberPersonId) v.memberPersonId = String(task.memberPersonId);
  if (task.dueDate) v.dueDate = formatDate(task.dueDate);
  if (task.dueTime) v.dueTime = task.dueTime;
  if (task.recurWeekday) v.recurWeekday = String(task.recurWeekday);
  if (task.recurMonthday) v.recurMonthday = String(task.recurMonthday);
  if (task.recurUntil) v.recurUntil = formatDate(task.recurUntil);
  return v;
}

/** A document offered as the source of a task made by hand: only one the actor may assign from. */
async function documentFor(rc: RequestContext, id: number): Promise<{ id: number; label: string } | null> {
  const res = await loadDocumentResource(rc.db, id);
  if (!res || !can(rc.actor, 'task.from_document', res)) return null;
  const doc = await getDocument(rc.db, id);
  return { id: doc.id, label: documentLabel(rc, doc) };
}
