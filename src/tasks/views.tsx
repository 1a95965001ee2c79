// Pages of the tasks feature: the lists of one's tasks, the task page (reports, subtasks,
// status), the forms (by hand, subtasks, from a directive's items) and the follow-up board of a
// directive. Server-rendered, readable without JavaScript, on a 360-pixel phone.
import type { RequestContext } from '../core/http/context.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { assetUrl } from '../core/layout/assets.ts';
import { Breadcrumbs, Checkbox, describedBy, ErrorSummary, Field, Form, Frame, Pager, SelectField, TextArea } from '../core/layout/components.tsx';
import { formatDate, formatDateTime, formatNumber } from '../core/i18n/i18n.ts';
import type { Unit, UnitKind } from '../org/schema.ts';
import { taskMessages, type TaskMessages } from './messages.ts';
import { DEADLINE_KINDS, TASK_PRIORITIES, TASK_STATUSES, type TaskStatus } from './schema.ts';
import type { TaskDetail, TaskListRow, TaskNode, TaskView } from './tasks.ts';
import { rolledProgress } from './tasks.ts';
import type { ReportView } from './progress.ts';
import type { Board, BoardRow } from './board.ts';
import type { DeadlineState } from './deadline.ts';
import type { UnitCandidate } from './suggest.ts';
import { deadlineText, stateText } from './format.ts';
import { formatAmount } from './numbers.ts';

const tm = (rc: RequestContext) => taskMessages(rc.locale);

function StatusTag(p: { m: TaskMessages; status: TaskStatus; state?: DeadlineState }) {
  return (
    <>
      <span class={`tag status-${p.status}`}>{p.m.status[p.status]}</span>
      {p.state?.overdue ? <span class="tag overdue">{p.m.overdue}</span> : null}
    </>
  );
}



/**
 * A box that narrows a unit list as one types (static/unit-filter.js): hidden until the script
 * shows it, so without JavaScript the plain list is all there is.
 */
function UnitFilter(p: { rc: RequestContext; selectId: string; label: string }) {
  const m = tm(p.rc);
  const id = `${p.selectId}-filter`;
  return (
    <div class="unit-filter" hidden data-unit-filter={p.selectId} data-none={m.fields.filterNone} data-one={m.fields.filterOne} data-many={m.fields.filterMany}>
      <label for={id}>{m.fields.filter(p.label)}</label>
      <p class="hint" id={`${id}-hint`}>
        {m.fields.filterHint}
      </p>
      <input type="search" id={id} autocomplete="off" spellcheck={false} aria-controls={p.selectId} aria-describedby={`${id}-hint ${id}-count`} />
      <p class="hint" id={`${id}-count`} role="status" aria-live="polite"></p>
    </div>
  );
}

/** The script behind UnitFilter, once per page that has unit pickers. */
export const UnitFilterScript = () => <script src={assetUrl('unit-filter.js')} defer></script>;

/** A unit picker grouped by tree (party / state and front), single or multiple, with a filter box. */
function UnitSelect(p: { name: string; label: string; hint?: string; units: UnitCandidate[]; selected: number[]; errors?: FieldErrors | undefined; multiple?: boolean; blank?: string; rc: RequestContext }) {
  const id = `f-${p.name}`;
  const error = p.errors?.[p.name];
  const groups: [string, UnitCandidate[]][] = [
    [p.rc.locale === 'en' ? 'Party' : 'Bên đảng', p.units.filter((u) => u.tree === 'party')],
    [p.rc.locale === 'en' ? 'State and front' : 'Chính quyền, mặt trận, đoàn thể', p.units.filter((u) => u.tree === 'state')],
  ];
  const indent = (u: UnitCandidate) => '\u00a0\u00a0'.repeat(Math.min(u.depth, 3));
  return (
    <Frame id={id} label={p.label} hint={p.hint} error={error}>
      {p.units.length > 8 ? <UnitFilter rc={p.rc} selectId={id} label={p.label} /> : null}
      <select id={id} name={p.name} multiple={p.multiple} size={p.multiple ? 6 : undefined} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, p.hint, error)}>
        {p.multiple ? null : <option value="">{p.blank ?? tm(p.rc).fields.none}</option>}
        {groups
          .filter(([, list]) => list.length)
          .map(([label, list]) => (
            <optgroup label={label} key={label}>
              {list.map((u) => (
                <option key={u.id} value={String(u.id)} selected={p.selected.includes(u.id)}>
                  {indent(u)}
                  {u.name}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
    </Frame>
  );
}


export type TaskFormChoices = {
  units: UnitCandidate[];
  members: { personId: number; fullName: string }[];
  kinds: { kind: UnitKind; label: string; count: number }[];
};

/** The fields of one task; `prefix` names them apart when several drafts share a form. */
function TaskFields(p: { rc: RequestContext; prefix: string; values: FormValues; errors?: FieldErrors | undefined; choices: TaskFormChoices; bulk?: boolean }) {
  const { rc, prefix, values: v, errors } = p;
  const m = tm(rc);
  const n = (k: string) => `${prefix}${k}`;
  const val = (k: string) => v[n(k)] ?? '';
  const many = (k: string) => (v[n(k)] ?? '').split(',').filter(Boolean).map(Number);
  return (
    <>
      <Field name={n('title')} label={m.fields.title} hint={prefix ? undefined : m.fields.titleHint} value={val('title')} errors={errors} required maxLength={500} />
      <TextArea name={n('description')} label={m.fields.description} value={val('description')} errors={errors} rows={prefix ? 4 : 5} maxLength={10000} />
      <fieldset class="choices">
        <legend>{m.newTask.assignment}</legend>
        <UnitSelect rc={rc} name={n('leadUnitId')} label={m.fields.lead} hint={m.fields.leadHint} units={p.choices.units} selected={many('leadUnitId')} errors={errors} />
        {p.bulk && p.choices.kinds.length ? (
          <SelectField
            name={n('leadKind')}
            label={m.fields.leadAll}
            hint={m.fields.leadAllHint}
            value={val('leadKind')}
            errors={errors}
            blank={m.fields.noneKind}
            options={p.choices.kinds.map((k) => ({ value: k.kind, label: `${k.label} (${formatNumber(k.count)})` }))}
          />
        ) : null}
        <UnitSelect rc={rc} name={n('supportUnitIds')} label={m.fields.supports} hint={m.fields.supportsHint} units={p.choices.units} selected={many('supportUnitIds')} errors={errors} multiple />
        {p.choices.members.length ? (
          <SelectField name={n('memberPersonId')} label={m.fields.member} value={val('memberPersonId')} errors={errors} blank={m.fields.noneMember} options={p.choices.members.map((x) => ({ value: String(x.personId), label: x.fullName }))} />
        ) : null}
      </fieldset>
      <fieldset class="choices">
        <legend>{m.newTask.deadline}</legend>
        <SelectField name={n('deadlineKind')} label={m.fields.deadlineKind} value={val('deadlineKind') || 'none'} errors={errors} options={DEADLINE_KINDS.map((k) => ({ value: k, label: m.deadlineKinds[k] }))} />
        <div class="field-row">
          <Field name={n('dueDate')} label={`${m.fields.dueDate} / ${m.fields.recurStart.toLowerCase()}`} hint={m.fields.dateHint} value={val('dueDate')} errors={errors} inputMode="numeric" maxLength={10} />
          <Field name={n('dueTime')} label={m.fields.dueTime} value={val('dueTime')} errors={errors} maxLength={5} />
        </div>
        <div class="field-row">
          <SelectField name={n('recurWeekday')} label={m.fields.recurWeekday} value={val('recurWeekday')} errors={errors} blank="—" options={m.weekdays.map((w, i) => ({ value: String(i + 1), label: w }))} />
          <Field name={n('recurMonthday')} label={m.fields.recurMonthday} hint={m.fields.recurMonthdayHint} value={val('recurMonthday')} errors={errors} inputMode="numeric" maxLength={2} />
        </div>
        <Field name={n('recurUntil')} label={m.fields.recurUntil} hint={m.fields.dateHint} value={val('recurUntil')} errors={errors} inputMode="numeric" maxLength={10} />
      </fieldset>
      <SelectField name={n('priority')} label={m.fields.priority} value={val('priority') || 'normal'} errors={errors} options={TASK_PRIORITIES.map((k) => ({ value: k, label: m.priority[k] }))} />
    </>
  );
}

// --- lists --------------------------------------------------------------------------------------

export function TaskListPage(p: { rc: RequestContext; view: TaskView; status: string; overdueOnly: boolean; rows: TaskListRow[]; total: number; page: number; canAssign: boolean; views: TaskView[] }) {
  const { rc } = p;
  const m = tm(rc);
  const labels: Record<TaskView, string> = { mine: m.list.mine, leading: m.list.leading, assigned: m.list.assigned, all: m.list.all };
  const qs = (o: { view?: TaskView; page?: number }) => {
    const s = new URLSearchParams({ view: o.view ?? p.view });
    if (p.status) s.set('status', p.status);
    if (p.overdueOnly) s.set('overdue', '1');
    if (o.page && o.page > 1) s.set('page', String(o.page));
    return `/tasks?${s.toString()}`;
  };
  return (
    <Layout rc={rc} title={`${m.list.title}: ${labels[p.view]}`}>
      <h1>{m.list.title}</h1>
      {p.canAssign ? (
        <p class="actions">
          <a class="button primary" href="/tasks/new">
            {m.list.newTask}
          </a>
        </p>
      ) : null}
      {p.views.length > 1 ? (
        <nav aria-label={m.list.title}>
          <ul class="tabs">
            {p.views.map((v) => (
              <li key={v}>
                <a class={`tab${v === p.view ? ' current' : ''}`} href={qs({ view: v })} aria-current={v === p.view ? 'page' : undefined}>
                  {labels[v]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <Form rc={rc} action="/tasks" method="get" class="inline-form" id="task-filter">
        <input type="hidden" name="view" value={p.view} />
        <SelectField
          name="status"
          label={m.list.filterStatus}
          value={p.status}
          options={[{ value: '', label: m.list.all }, { value: 'open', label: m.list.open }, ...TASK_STATUSES.map((s) => ({ value: s, label: m.status[s] }))]}
        />
        <Checkbox name="overdue" value="1" label={m.list.overdueOnly} checked={p.overdueOnly} />
        <button type="submit">{m.list.show}</button>
      </Form>
      <p class="muted">{m.list.count(p.total)}</p>
      {p.rows.length === 0 ? <p>{m.list.empty}</p> : <TaskCards rc={rc} rows={p.rows} />}
      <Pager rc={rc} page={p.page} hasMore={p.page * 50 < p.total} href={(page) => qs({ page })} />
    </Layout>
  );
}

function TaskCards(p: { rc: RequestContext; rows: TaskListRow[] }) {
  const m = tm(p.rc);
  return (
    <ul class="list tasks">
      {p.rows.map((r) => (
        <li key={r.id} class={r.state.overdue ? 'is-overdue' : undefined}>
          <p class="task-title">
            <a href={`/tasks/${r.id}`}>{r.title}</a>
          </p>
          <p>
            <StatusTag m={m} status={r.status} state={r.state} />
            {r.priority === 'high' ? <span class="tag">{m.priority.high}</span> : null}
          </p>
          <p class="muted">
            {m.fields.assignee}: {r.leadName ?? r.memberName} · {m.fields.assigningUnit}: {r.assigningName}
            {r.documentNumber ? ` · ${r.documentNumber}${r.item ? `, ${m.fromDocument.item(r.item).toLowerCase()}` : ''}` : ''}
          </p>
          <p>
            {deadlineText(m, r.rule)}
            {stateText(m, r.rule, r.state) ? ` — ${stateText(m, r.rule, r.state)}` : ''}
          </p>
        </li>
      ))}
    </ul>
  );
}

export function ChooseUnitPage(p: { rc: RequestContext; units: Unit[] }) {
  const m = tm(p.rc);
  return (
    <Layout rc={p.rc} title={m.newTask.title}>
      <Breadcrumbs items={[{ href: '/tasks', label: m.nav.tasks }, { label: m.newTask.title }]} />
      <h1>{m.newTask.chooseUnit}</h1>
      {p.units.length === 0 ? (
        <p>{m.newTask.noUnits}</p>
      ) : (
        <ul class="list">
          {p.units.map((u) => (
            <li key={u.id}>
              <a href={`/tasks/units/${u.id}/new`}>{u.name}</a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

// --- forms --------------------------------------------------------------------------------------

export function NewTaskPage(p: { rc: RequestContext; assigning: Unit; action: string; values: FormValues; errors?: FieldErrors; choices: TaskFormChoices; parent?: { id: number; title: string } | null; document?: { id: number; label: string } | null }) {
  const { rc } = p;
  const m = tm(rc);
  const title = p.parent ? m.newTask.subtaskTitle : m.newTask.title;
  return (
    <Layout rc={rc} title={title}>
      <Breadcrumbs items={[{ href: '/tasks', label: m.nav.tasks }, ...(p.parent ? [{ href: `/tasks/${p.parent.id}`, label: p.parent.title }] : []), { label: title }]} />
      <h1>{title}</h1>
      <dl class="record">
        <dt>{m.fields.assigningUnit}</dt>
        <dd>{p.assigning.name}</dd>
        {p.parent ? (
          <>
            <dt>{m.task.parent}</dt>
            <dd>{p.parent.title}</dd>
          </>
        ) : null}
        {p.document ? (
          <>
            <dt>{m.fields.source}</dt>
            <dd>{p.document.label}</dd>
          </>
        ) : null}
      </dl>
      <ErrorSummary rc={rc} errors={p.errors} />
      <Form rc={rc} action={p.action} id="task-form">
        <TaskFields rc={rc} prefix="" values={p.values} errors={p.errors} choices={p.choices} bulk />
        {p.values.item !== undefined ? <input type="hidden" name="item" value={p.values.item} /> : null}
        <button type="submit" class="primary">
          {m.newTask.submit}
        </button>
      </Form>
      <UnitFilterScript />
    </Layout>
  );
}

/** Editing a task: the creation form, filled in, without "every lower unit of a kind". */
export function EditTaskPage(p: { rc: RequestContext; taskId: number; taskTitle: string; assigning: Unit; values: FormValues; errors?: FieldErrors | undefined; choices: TaskFormChoices; parent?: { id: number; title: string } | null }) {
  const { rc } = p;
  const m = tm(rc);
  return (
    <Layout rc={rc} title={m.task.edit}>
      <Breadcrumbs items={[{ href: '/tasks', label: m.nav.tasks }, ...(p.parent ? [{ href: `/tasks/${p.parent.id}`, label: p.parent.title }] : []), { href: `/tasks/${p.taskId}`, label: p.taskTitle }, { label: m.task.edit }]} />
      <h1>{m.task.edit}</h1>
      <dl class="record">
        <dt>{m.fields.assigningUnit}</dt>
        <dd>{p.assigning.name}</dd>
        {p.parent ? (
          <>
            <dt>{m.task.parent}</dt>
            <dd>{p.parent.title}</dd>
          </>
        ) : null}
      </dl>
      <p class="hint">{m.task.editHint}</p>
      <ErrorSummary rc={rc} errors={p.errors} />
      <Form rc={rc} action={`/tasks/${p.taskId}/edit`} id="task-form">
        <TaskFields rc={rc} prefix="" values={p.values} errors={p.errors} choices={p.choices} />
        <div class="actions">
          <button type="submit" class="primary">
            {m.task.editSubmit}
          </button>
          <a class="button" href={`/tasks/${p.taskId}`}>
            {m.task.cancel}
          </a>
        </div>
      </Form>
      <UnitFilterScript />
    </Layout>
  );
}

export type DraftView = { index: number; item: string; leadName: string | null; deadlineText: string | null; unmatched: string[] };

export function FromDocumentPage(p: { rc: RequestContext; document: { id: number; label: string }; assigning: Unit; drafts: DraftView[]; values: FormValues; errors?: FieldErrors; choices: TaskFormChoices; existing: number }) {
  const { rc } = p;
  const m = tm(rc);
  return (
    <Layout rc={rc} title={m.fromDocument.title}>
      <Breadcrumbs items={[{ href: `/documents/${p.document.id}`, label: p.document.label }, { label: m.fromDocument.title }]} />
      <h1>{m.fromDocument.title}</h1>
      <p>
        <strong>{p.document.label}</strong>
      </p>
      <dl class="record">
        <dt>{m.fields.assigningUnit}</dt>
        <dd>{p.assigning.name}</dd>
      </dl>
      {p.existing > 0 ? (
        <p class="notice">
          {m.fromDocument.already(p.existing)} <a href={`/tasks/documents/${p.document.id}`}>{m.task.board}</a>
        </p>
      ) : null}
      <p>
        <a href={`/tasks/units/${p.assigning.id}/new?document=${p.document.id}`}>{m.fromDocument.byHand}</a>
      </p>
      {p.drafts.length === 0 ? (
        <p>{m.fromDocument.noSuggestions}</p>
      ) : (
        <>
          <p>{m.fromDocument.intro}</p>
          <ErrorSummary rc={rc} errors={p.errors} />
          <Form rc={rc} action={`/tasks/documents/${p.document.id}/new`} id="from-document">
            {p.drafts.map((d) => {
              const prefix = `s${d.index}_`;
              return (
                <fieldset class="draft" key={d.index} id={`draft-${d.index}`}>
                  <legend>
                    {m.fromDocument.item(d.item)}
                    {d.leadName ? ` — ${d.leadName}` : ''}
                  </legend>
                  <input type="hidden" name={`${prefix}item`} value={d.item} />
                  <Checkbox name={`${prefix}include`} value="1" label={m.fields.include} checked={p.values[`${prefix}include`] === '1'} />
                  {d.deadlineText ? <p class="hint">{m.fromDocument.read(d.deadlineText)}</p> : null}
                  {d.unmatched.length ? <p class="notice">{m.fromDocument.unmatched(d.unmatched.join('; '))}</p> : null}
                  <TaskFields rc={rc} prefix={prefix} values={p.values} errors={p.errors} choices={p.choices} />
                </fieldset>
              );
            })}
            <input type="hidden" name="count" value={String(p.drafts.length)} />
            <button type="submit" class="primary">
              {m.fromDocument.submit}
            </button>
          </Form>
          <UnitFilterScript />
        </>
      )}
    </Layout>
  );
}

// --- one task -----------------------------------------------------------------------------------

export type TaskPageProps = {
  rc: RequestContext;
  detail: TaskDetail;
  state: DeadlineState;
  reports: ReportView[];
  canManage: boolean;
  /** May edit the task (the assigning unit's staff; not once it is done). */
  canEdit: boolean;
  canSplit: boolean;
  canBoard: boolean;
  /** Units the actor may report for (empty: cannot report; [null]: as the member). */
  reportUnits: { id: number | null; name: string }[];
  onBehalfOf: { personId: number; fullName: string } | null;
  subtaskStates: Map<number, DeadlineState>;
  reportErrors?: FieldErrors;
  reportValues?: FormValues;
  reviewErrors?: { reportId: number; errors: FieldErrors };
};

function SubtaskTree(p: { m: TaskMessages; nodes: TaskNode[]; states: Map<number, DeadlineState> }) {
  return (
    <ul class="list subtasks">
      {p.nodes.map((n) => (
        <li key={n.id}>
          <p class="task-title">
            <a href={`/tasks/${n.id}`}>{n.leadName ?? n.memberName}</a> — {n.title}
          </p>
          <p>
            <StatusTag m={p.m} status={n.status} state={p.states.get(n.id)} /> {p.m.fields.progress}: {rolledProgress(n)}%
          </p>
          {n.children.length ? <SubtaskTree m={p.m} nodes={n.children} states={p.states} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function TaskPage(p: TaskPageProps) {
  const { rc, detail: d } = p;
  const m = tm(rc);
  const t = d.task;
  const rule = { kind: t.deadlineKind, dueDate: t.dueDate, dueTime: t.dueTime, recurWeekday: t.recurWeekday, recurMonthday: t.recurMonthday, recurUntil: t.recurUntil };
  const progress = rolledProgress(d.tree);
  const docLabel = d.document ? `${d.document.number ?? ''} ${d.document.subject}`.trim() : null;
  const mb = Math.round(rc.config.maxUploadBytes / 1048576);
  const rv = p.reportValues ?? {};
  return (
    <Layout rc={rc} title={t.title}>
      <Breadcrumbs items={[{ href: '/tasks', label: m.nav.tasks }, ...(d.parent ? [{ href: `/tasks/${d.parent.id}`, label: d.parent.title }] : []), { label: t.title }]} />
      <h1>{t.title}</h1>
      <p>
        <StatusTag m={m} status={t.status} state={p.state} />
        {t.priority !== 'normal' ? <span class="tag">{`${m.fields.priority}: ${m.priority[t.priority]}`}</span> : null}
      </p>
      <dl class="record">
        {d.document ? (
          <>
            <dt>{m.fields.source}</dt>
            <dd>
              {p.canBoard ? <a href={`/tasks/documents/${d.document.id}`}>{docLabel}</a> : docLabel}
              {t.item ? ` — ${m.fromDocument.item(t.item)}` : ''}
            </dd>
          </>
        ) : null}
        <dt>{m.fields.assigningUnit}</dt>
        <dd>{d.assigning.name}</dd>
        <dt>{d.member ? m.fields.assignee : m.fields.lead}</dt>
        <dd>{d.lead?.name ?? d.member?.fullName}</dd>
        {d.supports.length ? (
          <>
            <dt>{m.fields.supports}</dt>
            <dd>{d.supports.map((u) => u.name).join('; ')}</dd>
          </>
        ) : null}
        <dt>{m.fields.deadlineKind}</dt>
        <dd>
          {deadlineText(m, rule)}
          {stateText(m, rule, p.state) ? (
            <>
              <br />
              <strong class={p.state.overdue ? 'overdue-text' : undefined}>{stateText(m, rule, p.state)}</strong>
            </>
          ) : null}
        </dd>
        <dt>{m.fields.progress}</dt>
        <dd>
          <progress class="progress" max={100} value={progress} aria-label={m.fields.progress}>
            {progress}%
          </progress>{' '}
          {progress}%{d.tree.children.length ? ` (${m.task.rolledUp(d.tree.children.length)})` : ''}
        </dd>
      </dl>
      {t.description ? (
        <div class="task-description">
          {t.description.split(/\n+/).map((para, i) => (
            <p key={i}>{para}</p>
          ))}
        </div>
      ) : null}

      {p.canEdit ? (
        <p class="actions no-print">
          <a class="button" href={`/tasks/${t.id}/edit`}>
            {m.task.edit}
          </a>
        </p>
      ) : null}
      {p.canManage ? (
        <details>
          <summary>{m.task.changeStatus}</summary>
          <Form rc={rc} action={`/tasks/${t.id}/status`} class="inline-form">
            <SelectField name="status" label={m.fields.status} value={t.status} options={TASK_STATUSES.map((s) => ({ value: s, label: m.status[s] }))} />
            <button type="submit">{rc.t.common.save}</button>
          </Form>
        </details>
      ) : null}

      {p.reportUnits.length && t.status !== 'done' ? (
        <section aria-labelledby="h-report" class="card">
          <h2 id="h-report">{m.report.title}</h2>
          <ErrorSummary rc={rc} errors={p.reportErrors} />
          <Form rc={rc} action={`/tasks/${t.id}/reports`} multipart id="report-form">
            {p.reportUnits.length > 1 ? (
              <SelectField name="unitId" label={m.report.unit} value={rv.unitId} errors={p.reportErrors} options={p.reportUnits.map((u) => ({ value: String(u.id ?? ''), label: u.name }))} />
            ) : (
              <input type="hidden" name="unitId" value={String(p.reportUnits[0]!.id ?? '')} />
            )}
            {p.onBehalfOf ? <Checkbox name="onBehalf" value="1" label={`${m.report.onBehalf}: ${p.onBehalfOf.fullName}`} checked={rv.onBehalf === '1'} /> : null}
            <TextArea name="body" label={m.report.body} hint={m.report.bodyHint} value={rv.body} errors={p.reportErrors} required rows={5} maxLength={10000} />
            <TextArea name="figures" label={m.report.figures} hint={m.report.figuresHint} value={rv.figures} errors={p.reportErrors} rows={3} />
            <Field name="progress" label={m.report.progress} value={rv.progress} errors={p.reportErrors} inputMode="numeric" maxLength={3} />
            <Checkbox name="proposeDone" value="1" label={m.report.proposeDone} checked={rv.proposeDone === '1'} />
            <Frame id="f-files" label={m.report.files} hint={m.report.filesHint(mb)} error={p.reportErrors?.files}>
              <input type="file" id="f-files" name="files" multiple aria-describedby={describedBy('f-files', true, p.reportErrors?.files)} />
            </Frame>
            <button type="submit" class="primary">
              {m.report.submit}
            </button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="h-reports">
        <h2 id="h-reports">{m.task.reports}</h2>
        {p.reports.length === 0 ? <p class="muted">{m.task.noReports}</p> : null}
        <ul class="list reports">
          {p.reports.map((r) => (
            <li key={r.id}>
              <p>
                <strong>{r.unitName ?? r.onBehalfOfName ?? r.authorName}</strong>
                <span class="muted"> · {formatDateTime(r.createdAt)}</span>{' '}
                <span class={`tag review-${r.review}`}>{m.report.review[r.review]}</span>
                {r.proposeDone ? <span class="tag">{m.report.proposedDone}</span> : null}
              </p>
              {r.taskId !== t.id ? <p class="muted">{m.task.subtasks}</p> : null}
              {r.body.split(/\n+/).map((para, i) => (
                <p key={i}>{para}</p>
              ))}
              {r.figures.length ? (
                <ul>
                  {r.figures.map((f, i) => (
                    <li key={i}>
                      {f.label}: <strong>{formatAmount(f.value, rc.locale)}</strong>
                      {f.unit ? ` ${f.unit}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
              {r.progress != null ? (
                <p>
                  {m.fields.progress}: {r.progress}%
                </p>
              ) : null}
              {r.files.length ? (
                <ul>
                  {r.files.map((f) => (
                    <li key={f.id}>
                      <a href={`/tasks/${r.taskId}/reports/${r.id}/files/${f.id}`}>{f.fileName}</a>
                    </li>
                  ))}
                </ul>
              ) : null}
              <p class="muted">
                {r.authorName ? m.report.by(r.authorName, formatDateTime(r.createdAt)) : null}
                {r.onBehalfOfName ? ` (${m.report.onBehalfOf(r.onBehalfOfName)})` : ''}
              </p>
              {r.reviewNote ? (
                <p>
                  <strong>{m.report.reviewNote}:</strong> {r.reviewNote}
                </p>
              ) : null}
              {p.canManage && r.review === 'pending' && r.taskId === t.id && r.authorAccountId !== rc.account?.id ? (
                <Form rc={rc} action={`/tasks/${t.id}/reports/${r.id}/review`} class="review-form">
                  {p.reviewErrors?.reportId === r.id ? <ErrorSummary rc={rc} errors={p.reviewErrors.errors} /> : null}
                  <TextArea name={`reviewNote`} label={m.report.reviewNote} hint={m.report.reviewNoteHint} errors={p.reviewErrors?.reportId === r.id ? p.reviewErrors.errors : undefined} rows={2} maxLength={2000} />
                  <div class="actions">
                    <button type="submit" name="decision" value="accept" class="primary">
                      {m.report.accept}
                    </button>
                    <button type="submit" name="decision" value="return">
                      {m.report.returnIt}
                    </button>
                  </div>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {d.lead || d.tree.children.length ? (
        <section aria-labelledby="h-subtasks">
          <h2 id="h-subtasks">{m.task.subtasks}</h2>
          {d.tree.children.length === 0 ? <p class="muted">{m.task.noSubtasks}</p> : <SubtaskTree m={m} nodes={d.tree.children} states={p.subtaskStates} />}
          {p.canSplit && t.status !== 'done' ? (
            <p>
              <a class="button" href={`/tasks/${t.id}/subtasks/new`}>
                {m.task.newSubtask}
              </a>
            </p>
          ) : null}
        </section>
      ) : null}

      {d.alerts.length ? (
        <section aria-labelledby="h-alerts">
          <h2 id="h-alerts">{m.task.alerts}</h2>
          <ul class="list">
            {d.alerts.map((a, i) => (
              <li key={i}>
                {a.kind === 'reminder' ? m.task.reminder(formatDateTime(a.dueAt)) : m.task.escalation(formatDateTime(a.dueAt))}
                <span class="muted"> · {formatDateTime(a.createdAt)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}

// --- the board ----------------------------------------------------------------------------------

const ROWS_SHOWN = 25;

function BoardRowCells(p: { m: TaskMessages; r: BoardRow }) {
  const { m, r } = p;
  return (
    <>
      <td data-label={m.board.lead}>
        <a href={`/tasks/${r.taskId}`}>{r.leadName}</a>
        {r.supportNames.length ? <span class="muted"> · {`${m.fields.supports}: ${r.supportNames.join('; ')}`}</span> : null}
        {r.subtasks ? <span class="muted"> · {`${r.subtasks} ${m.task.subtasks.split(' (')[0]!.toLowerCase()}`}</span> : null}
      </td>
      <td data-label={m.board.status}>
        <StatusTag m={m} status={r.status} state={r.state} /> {r.progress}%
      </td>
      <td data-label={m.board.deadline}>{deadlineText(m, r.rule)}</td>
      <td data-label={m.board.overdueUnits}>{r.overdueUnits.length ? r.overdueUnits.join('; ') : m.board.none}</td>
      <td data-label={m.board.lastReport}>
        {r.lastReport ? (
          <>
            <span class="muted">{m.board.reportOf(r.lastReport.unitName ?? '', formatDate(r.lastReport.at))}</span>
            <br />
            {r.lastReport.body.length > 160 ? `${r.lastReport.body.slice(0, 157)}…` : r.lastReport.body}
          </>
        ) : (
          m.board.none
        )}
      </td>
    </>
  );
}

export function BoardPage(p: { rc: RequestContext; board: Board; documentLabel: string; canAssign: boolean; expand: string | null }) {
  const { rc, board } = p;
  const m = tm(rc);
  return (
    <Layout rc={rc} title={`${m.board.title}: ${p.documentLabel}`}>
      <Breadcrumbs items={[{ href: `/documents/${board.document.id}`, label: p.documentLabel }, { label: m.board.title }]} />
      <h1>{m.board.title}</h1>
      <p>
        <strong>{p.documentLabel}</strong>
      </p>
      <p class="muted">{m.board.asOf(formatDateTime(board.now))}</p>
      <p>{m.board.summary(board.totals.tasks, board.totals.done, board.totals.overdue)}</p>
      <div class="actions no-print">
        <a class="button" href={`/tasks/documents/${board.document.id}/board.xlsx`}>
          {m.board.xlsx}
        </a>
        <a class="button" href={`/tasks/documents/${board.document.id}/board.pdf`}>
          {m.board.pdf}
        </a>
        {p.canAssign ? (
          <a class="button" href={`/tasks/documents/${board.document.id}/new`}>
            {m.fromDocument.link}
          </a>
        ) : null}
      </div>
      {board.items.length === 0 ? <p>{m.board.empty}</p> : null}
      {board.items.map((it) => {
        const key = it.item ?? '';
        const all = p.expand === key || it.rows.length <= ROWS_SHOWN;
        const rows = all ? it.rows : it.rows.filter((r) => r.overdueUnits.length).slice(0, ROWS_SHOWN);
        const headingId = `item-${key.replace(/\W/g, '-') || 'none'}`;
        return (
          <section key={key} aria-labelledby={headingId} class="board-item">
            <h2 id={headingId}>
              {it.item ? m.board.itemTitle(it.item) : m.board.noItem}: {it.title}
            </h2>
            <p>
              {m.board.units(it.rows.length)} — {m.board.counts(it.counts.done, it.counts.in_progress, it.counts.todo)}
              {it.counts.overdue ? (
                <>
                  {' · '}
                  <strong class="overdue-text">{`${it.counts.overdue} ${m.overdue.toLowerCase()}`}</strong>
                </>
              ) : null}
            </p>
            {rows.length ? (
              <div class="table-wrap">
                <table class="board">
                  <caption class="visually-hidden">{it.item ? m.board.itemTitle(it.item) : m.board.noItem}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.board.lead}</th>
                      <th scope="col">{m.board.status}</th>
                      <th scope="col">{m.board.deadline}</th>
                      <th scope="col">{m.board.overdueUnits}</th>
                      <th scope="col">{m.board.lastReport}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.taskId} class={r.overdueUnits.length ? 'flagged' : undefined}>
                        <BoardRowCells m={m} r={r} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {!all ? (
              <p>
                {rows.length < it.counts.overdue ? `${m.board.moreUnits(it.counts.overdue - rows.length)} · ` : ''}
                <a href={`/tasks/documents/${board.document.id}?item=${encodeURIComponent(key)}#${headingId}`}>{m.board.allUnits(it.rows.length)}</a>
              </p>
            ) : null}
          </section>
        );
      })}
    </Layout>
  );
}
