// Pages of the periodic reports: the list of what one's units submit and follow, the template
// form, the submission form (numbers, text, choices, table rows; corrections; versions) and the
// roll-up of a unit's subtree (totals, units directly below, each unit, late and missing units,
// corrections to approve, a trend chart with its figures). Server-rendered, no JavaScript needed.
import type { RequestContext } from '../core/http/context.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, Checkbox, describedBy, ErrorSummary, Field, Form, Frame, SelectField } from '../core/layout/components.tsx';
import { formatDate, formatDateTime } from '../core/i18n/i18n.ts';
import type { Unit, UnitKind } from '../org/schema.ts';
import { formatAmount } from '../tasks/numbers.ts';
import { addDays } from '../tasks/deadline.ts';
import { reportMessages, type ReportMessages } from './messages.ts';
import { AGGREGATES, FIELD_TYPES, SCHEDULE_KINDS, type FieldDef, type ReportTemplate, type Submission, type TableRowValue, type Values } from './schema.ts';
import { cellName, isNumeric } from './definition.ts';
import { dueDay, periodDeadline } from './periods.ts';
import type { Aggregates, Rollup, TrendPoint } from './rollup.ts';
import { TrendChart } from './chart.tsx';

const rm = (rc: RequestContext) => reportMessages(rc.locale);

export function scheduleText(m: ReportMessages, t: Pick<ReportTemplate, 'scheduleKind' | 'deadlineTime' | 'weekday' | 'monthday' | 'startsOn' | 'endsOn'>): string {
  const base =
    t.scheduleKind === 'daily'
      ? m.schedule.daily(t.deadlineTime)
      : t.scheduleKind === 'weekly'
        ? m.schedule.weekly(m.weekdays[(t.weekday ?? 1) - 1] ?? '', t.deadlineTime)
        : t.scheduleKind === 'monthly'
          ? m.schedule.monthly(t.monthday ?? 1, t.deadlineTime)
          : m.schedule.once(t.deadlineTime, formatDate(t.startsOn));
  if (t.scheduleKind === 'once') return base;
  return [base, m.schedule.from(formatDate(t.startsOn)), ...(t.endsOn ? [m.schedule.until(formatDate(t.endsOn))] : [])].join(', ');
}

export function periodText(m: ReportMessages, t: Pick<ReportTemplate, 'scheduleKind'>, period: string): string {
  switch (t.scheduleKind) {
    case 'daily':
      return m.period.daily(formatDate(period));
    case 'weekly':
      return m.period.weekly(formatDate(period), formatDate(addDays(period, 6)));
    case 'monthly':
      return m.period.monthly(`${period.slice(5, 7)}/${period.slice(0, 4)}`);
    case 'once':
      return m.period.once(formatDate(period));
  }
}

const num = (v: number | null | undefined, rc: RequestContext) => (v == null ? '—' : formatAmount(v, rc.locale));


// --- the list -----------------------------------------------------------------------------------

export type SubmitItem = { template: ReportTemplate; unit: Pick<Unit, 'id' | 'name'>; period: string; dueAt: Date; submittedAt: Date | null };
export type FollowItem = { template: ReportTemplate; unit: Pick<Unit, 'id' | 'name'> };

export function ReportsHomePage(p: { rc: RequestContext; toSubmit: SubmitItem[]; toFollow: FollowItem[]; manageUnits: Pick<Unit, 'id' | 'name'>[] }) {
  const { rc } = p;
  const m = rm(rc);
  return (
    <Layout rc={rc} title={m.list.title}>
      <h1>{m.list.title}</h1>
      {p.manageUnits.length ? (
        <p class="actions">
          <a class="button" href="/reports/templates/new">
            {m.list.newTemplate}
          </a>
        </p>
      ) : null}
      {p.toSubmit.length === 0 && p.toFollow.length === 0 ? <p>{m.list.none}</p> : null}
      {p.toSubmit.length ? (
        <section aria-labelledby="h-submit">
          <h2 id="h-submit">{m.list.toSubmit}</h2>
          <ul class="list">
            {p.toSubmit.map((s) => (
              <li key={`${s.template.id}-${s.unit.id}`}>
                <p class="task-title">
                  <a href={`/reports/${s.template.id}/units/${s.unit.id}/submit`}>{s.template.name}</a>
                </p>
                <p class="muted">
                  {s.unit.name} · {periodText(m, s.template, s.period)}
                </p>
                <p>
                  {s.submittedAt ? <span class="tag status-done">{m.list.submitted(formatDateTime(s.submittedAt))}</span> : <span class="tag overdue">{m.list.notYet}</span>} {m.list.dueAt(formatDateTime(s.dueAt))}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {p.toFollow.length ? (
        <section aria-labelledby="h-follow">
          <h2 id="h-follow">{m.list.toFollow}</h2>
          <ul class="list">
            {p.toFollow.map((f) => (
              <li key={`${f.template.id}-${f.unit.id}`}>
                <a href={`/reports/${f.template.id}/units/${f.unit.id}`}>{f.template.name}</a>
                <span class="muted"> · {f.unit.name}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}

export function ChooseUnitPage(p: { rc: RequestContext; units: Pick<Unit, 'id' | 'name'>[] }) {
  const m = rm(p.rc);
  return (
    <Layout rc={p.rc} title={m.form.title}>
      <Breadcrumbs items={[{ href: '/reports', label: m.nav.reports }, { label: m.form.title }]} />
      <h1>{m.form.chooseUnit}</h1>
      <ul class="list">
        {p.units.map((u) => (
          <li key={u.id}>
            <a href={`/reports/templates/new/${u.id}`}>{u.name}</a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

// --- the template form --------------------------------------------------------------------------

export function TemplateFormPage(p: { rc: RequestContext; owner: Unit; scopes: Pick<Unit, 'id' | 'name' | 'depth'>[]; kinds: { kind: UnitKind; label: string }[]; values: FormValues; kindsChosen: string[]; rows: number; errors?: FieldErrors }) {
  const { rc, values: v } = p;
  const m = rm(rc);
  return (
    <Layout rc={rc} title={m.form.title}>
      <Breadcrumbs items={[{ href: '/reports', label: m.nav.reports }, { label: m.form.title }]} />
      <h1>{m.form.title}</h1>
      <p class="muted">{p.owner.name}</p>
      <ErrorSummary rc={rc} errors={p.errors} />
      <Form rc={rc} action={`/reports/templates/new/${p.owner.id}`} id="template-form">
        <Field name="name" label={m.form.name} values={v} errors={p.errors} required maxLength={300} />
        <Frame id="f-description" label={m.form.description}>
          <textarea id="f-description" name="description" rows={3} maxLength={5000}>
            {v.description ?? ''}
          </textarea>
        </Frame>
        <fieldset class="choices">
          <legend>{m.template.schedule}</legend>
          <SelectField name="scheduleKind" label={m.form.scheduleKind} value={v.scheduleKind || 'daily'} errors={p.errors} options={SCHEDULE_KINDS.map((k) => ({ value: k, label: m.schedules[k] }))} />
          <Field name="deadlineTime" label={m.form.deadlineTime} values={v} errors={p.errors} maxLength={5} />
          <div class="field-row">
            <SelectField name="weekday" label={m.form.weekday} value={v.weekday} errors={p.errors} blank="—" options={m.weekdays.map((w, i) => ({ value: String(i + 1), label: w }))} />
            <Field name="monthday" label={m.form.monthday} values={v} errors={p.errors} inputMode="numeric" maxLength={2} />
          </div>
          <div class="field-row">
            <Field name="startsOn" label={m.form.startsOn} hint="dd/mm/yyyy" values={v} errors={p.errors} inputMode="numeric" maxLength={10} required />
            <Field name="endsOn" label={m.form.endsOn} hint="dd/mm/yyyy" values={v} errors={p.errors} inputMode="numeric" maxLength={10} />
          </div>
        </fieldset>
        <fieldset class="choices" id="f-kinds">
          <legend>{m.template.targets}</legend>
          <SelectField name="scopeUnitId" label={m.form.scope} value={v.scopeUnitId || String(p.owner.id)} errors={p.errors} options={p.scopes.map((u) => ({ value: String(u.id), label: `${'\u00a0\u00a0'.repeat(Math.max(0, u.depth - p.owner.depth))}${u.name}` }))} />
          <p class="fieldset-label">{m.form.kinds}</p>
          {p.errors?.kinds ? <p class="error">{p.errors.kinds}</p> : null}
          {p.kinds.map((k) => (
            <Checkbox key={k.kind} name="kinds" value={k.kind} label={k.label} checked={p.kindsChosen.includes(k.kind)} />
          ))}
        </fieldset>
        <h2>{m.form.fields}</h2>
        {Array.from({ length: p.rows }, (_, i) => (
          <fieldset class="draft" key={i}>
            <legend>{m.form.fieldLabel(i + 1)}</legend>
            <Field name={`field${i}_label`} label={m.form.fieldLabel(i + 1)} values={v} errors={p.errors} maxLength={200} />
            <div class="field-row">
              <SelectField name={`field${i}_type`} label={m.form.fieldType} value={v[`field${i}_type`] || 'integer'} errors={p.errors} options={FIELD_TYPES.map((k) => ({ value: k, label: m.fieldTypes[k] }))} />
              <SelectField name={`field${i}_aggregate`} label={m.form.fieldAggregate} value={v[`field${i}_aggregate`] || 'sum'} options={AGGREGATES.map((k) => ({ value: k, label: m.aggregates[k] }))} />
              <Field name={`field${i}_unit`} label={m.form.fieldUnit} values={v} maxLength={40} />
            </div>
            <Checkbox name={`field${i}_required`} value="1" label={m.form.fieldRequired} checked={v[`field${i}_required`] === '1'} />
            <Checkbox name={`field${i}_min`} value="1" label={m.form.fieldMin} checked={v[`field${i}_min`] === '1'} />
            <Frame id={`f-field${i}_options`} label={m.form.fieldOptions} error={p.errors?.[`field${i}_options`]}>
              <textarea id={`f-field${i}_options`} name={`field${i}_options`} rows={2} aria-describedby={describedBy(`f-field${i}_options`, false, p.errors?.[`field${i}_options`])}>
                {v[`field${i}_options`] ?? ''}
              </textarea>
            </Frame>
          </fieldset>
        ))}
        <input type="hidden" name="rows" value={String(p.rows)} />
        <p>
          <button type="submit" name="more" value="1">
            {m.form.more}
          </button>
        </p>
        <Frame id="f-rules" label={m.form.rules} hint={m.form.rulesHint} error={p.errors?.rules}>
          <textarea id="f-rules" name="rules" rows={3} aria-describedby={describedBy('f-rules', true, p.errors?.rules)}>
            {v.rules ?? ''}
          </textarea>
        </Frame>
        <button type="submit" class="primary">
          {m.form.submit}
        </button>
      </Form>
    </Layout>
  );
}

// --- submitting ---------------------------------------------------------------------------------

function ValueInput(p: { rc: RequestContext; f: FieldDef; values: FormValues; errors?: FieldErrors | undefined }) {
  const { f, values: v, errors } = p;
  const m = rm(p.rc);
  const id = `f-${f.key}`;
  const error = errors?.[f.key];
  const label = f.unit ? `${f.label} (${f.unit})` : f.label;
  if (isNumeric(f)) {
    return (
      <Frame id={id} label={label} error={error} required={f.required}>
        <input
          id={id}
          name={f.key}
          type="text"
          inputMode={f.type === 'integer' ? 'numeric' : 'decimal'}
          value={v[f.key] ?? ''}
          required={f.required}
          maxLength={20}
          class="num-input"
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(id, false, error)}
        />
      </Frame>
    );
  }
  if (f.type === 'choice') return <SelectField name={f.key} label={label} value={v[f.key]} errors={errors} required={f.required} blank="—" options={(f.choices ?? []).map((c) => ({ value: c, label: c }))} />;
  if (f.type === 'text') {
    return (
      <Frame id={id} label={label} error={error} required={f.required}>
        <textarea id={id} name={f.key} rows={3} maxLength={2000} required={f.required} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, false, error)}>
          {v[f.key] ?? ''}
        </textarea>
      </Frame>
    );
  }
  const cols = f.columns ?? [];
  const filled = Object.keys(v).filter((k) => k.startsWith(`${f.key}__`)).map((k) => Number(k.split('__')[1]));
  const rows = Math.min(200, Math.max(3, (filled.length ? Math.max(...filled) + 1 : 0) + 2));
  const cellErrors = Object.entries(errors ?? {}).filter(([k]) => k.startsWith(`${f.key}__`));
  return (
    <fieldset class="choices" id={id}>
      <legend>{label}</legend>
      <p class="hint">{m.submit.tableHint}</p>
      {error ? <p class="error">{error}</p> : null}
      {cellErrors.map(([k, e]) => (
        <p class="error" key={k} id={`f-${k}-error`}>
          {e}
        </p>
      ))}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              {cols.map((c) => (
                <th scope="col" key={c.key}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, r) => (
              <tr key={r}>
                <th scope="row">{r + 1}</th>
                {cols.map((c) => {
                  const name = cellName(f.key, r, c.key);
                  return (
                    <td key={c.key}>
                      <input id={`f-${name}`} name={name} type="text" inputMode={c.type === 'text' ? 'text' : 'numeric'} value={v[name] ?? ''} aria-label={`${m.submit.tableRow(r + 1)}, ${c.label}`} aria-invalid={errors?.[name] ? 'true' : undefined} class={c.type === 'text' ? undefined : 'num-input'} />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}

/** A submission's values as form values (for the form, prefilled). */
export function formValuesOf(fields: FieldDef[], values: Values | null | undefined, rc: RequestContext): FormValues {
  const out: FormValues = {};
  if (!values) return out;
  for (const f of fields) {
    const v = values[f.key];
    if (v == null) continue;
    if (f.type === 'table') {
      (v as TableRowValue[]).forEach((row, r) => {
        for (const c of f.columns ?? []) if (row[c.key] != null) out[cellName(f.key, r, c.key)] = typeof row[c.key] === 'number' ? formatAmount(row[c.key] as number, rc.locale) : String(row[c.key]);
      });
    } else out[f.key] = typeof v === 'number' ? formatAmount(v, rc.locale) : String(v);
  }
  return out;
}

export type SubmitPageProps = {
  rc: RequestContext;
  template: ReportTemplate;
  unit: Unit;
  period: string;
  periods: { period: string; submitted: boolean }[];
  versions: Submission[];
  locked: { lockedAt: Date } | null;
  values: FormValues;
  errors?: FieldErrors;
  canRollup: boolean;
};

export function SubmitPage(p: SubmitPageProps) {
  const { rc, template: t, unit } = p;
  const m = rm(rc);
  const current = p.versions.find((v) => v.status === 'current');
  const pending = p.versions.find((v) => v.status === 'pending');
  const first = p.versions.find((v) => v.version === 1);
  const due = periodDeadline(t, p.period);
  const late = first ? first.submittedAt.getTime() > due.getTime() : false;
  const blocked = p.locked && !current;
  const labels = Object.fromEntries(t.fields.map((f) => [f.key, f.label]));
  return (
    <Layout rc={rc} title={`${m.submit.title}: ${t.name}`}>
      <Breadcrumbs items={[{ href: '/reports', label: m.nav.reports }, { label: t.name }]} />
      <h1>{t.name}</h1>
      <dl class="record">
        <dt>{m.submit.unitLabel}</dt>
        <dd>{unit.name}</dd>
        <dt>{m.template.schedule}</dt>
        <dd>{scheduleText(m, t)}</dd>
      </dl>
      {t.description ? <p class="muted">{t.description}</p> : null}
      {p.canRollup ? (
        <p>
          <a href={`/reports/${t.id}/units/${unit.id}?period=${p.period}`}>{m.list.rollup}</a>
        </p>
      ) : null}
      <Form rc={rc} action={`/reports/${t.id}/units/${unit.id}/submit`} method="get" class="inline-form" id="period-form">
        <SelectField name="period" label={m.submit.choosePeriod} value={p.period} options={p.periods.map((x) => ({ value: x.period, label: `${periodText(m, t, x.period)}${x.submitted ? ' ✓' : ''}` }))} />
        <button type="submit">{m.submit.show}</button>
      </Form>
      <h2>{periodText(m, t, p.period)}</h2>
      <p>{m.submit.due(`${t.deadlineTime} ${formatDate(dueDay(t, p.period))}`)}</p>
      {current ? (
        <p class="notice">
          {m.submit.submitted(formatDateTime(current.submittedAt), current.version)} {first ? <span class={`tag ${late ? 'overdue' : 'status-done'}`}>{late ? m.submit.late : m.submit.onTime}</span> : null}
        </p>
      ) : null}
      {pending ? <p class="notice">{m.submit.pending(formatDateTime(pending.submittedAt))}</p> : null}
      {p.locked ? <p class="notice">{blocked ? m.submit.lockedNoSubmission : m.submit.locked}</p> : null}
      <ErrorSummary rc={rc} errors={p.errors} labels={labels} />
      {!blocked && !pending ? (
        <>
          <Form rc={rc} action={`/reports/${t.id}/units/${unit.id}/submit`} id="report-submit">
            <input type="hidden" name="period" value={p.period} />
            {t.fields.map((f) => (
              <ValueInput key={f.key} rc={rc} f={f} values={p.values} errors={p.errors} />
            ))}
            {current ? (
              <Frame id="f-note" label={m.submit.note} hint={p.locked ? m.submit.noteHint : undefined} error={p.errors?.note} required={!!p.locked}>
                <textarea id="f-note" name="note" rows={2} maxLength={1000} aria-describedby={describedBy('f-note', !!p.locked, p.errors?.note)}>
                  {p.values.note ?? ''}
                </textarea>
              </Frame>
            ) : null}
            <button type="submit" class="primary">
              {!current ? m.submit.send : p.locked ? m.submit.requestCorrection : m.submit.correct}
            </button>
          </Form>
        </>
      ) : null}
      {p.versions.length ? (
        <section aria-labelledby="h-history">
          <h2 id="h-history">{m.submit.history}</h2>
          <ul class="list">
            {p.versions.map((s) => (
              <li key={s.id}>
                <strong>{m.submit.version(s.version)}</strong> · {formatDateTime(s.submittedAt)} · <span class="tag">{m.submit.status[s.status]}</span>
                {s.note ? <span class="muted"> · {s.note}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}

// --- the roll-up --------------------------------------------------------------------------------

function fieldHeader(f: FieldDef, m: ReportMessages) {
  return f.aggregate === 'avg' ? `${f.label} (${m.rollup.average.toLowerCase()})` : f.label;
}

function AggregateCells(p: { rc: RequestContext; fields: FieldDef[]; totals: Aggregates; m: ReportMessages }) {
  return (
    <>
      {p.fields.map((f) => (
        <td key={f.key} class="num" data-label={fieldHeader(f, p.m)}>
          {num(p.totals[f.key], p.rc)}
        </td>
      ))}
    </>
  );
}

function valueText(rc: RequestContext, f: FieldDef, v: Values[string] | undefined, m: ReportMessages): string {
  if (v == null) return '—';
  if (typeof v === 'number') return formatAmount(v, rc.locale);
  if (Array.isArray(v)) return m.rollup.rows(v.length);
  return v;
}

export type RollupPageProps = {
  rc: RequestContext;
  template: ReportTemplate;
  unit: Unit;
  rollup: Rollup;
  periods: string[];
  series: TrendPoint[];
  field: string;
  /** How many periods the trend shows. */
  range: number;
  locked: { lockedAt: Date; unitName: string } | null;
  canLock: boolean;
  canSubmit: boolean;
  corrections: { id: number; unitName: string; period: string; note: string | null; values: Values; was: Values | null }[];
  canReview: boolean;
};

export function RollupPage(p: RollupPageProps) {
  const { rc, template: t, unit, rollup: r } = p;
  const m = rm(rc);
  const numeric = t.fields.filter((f) => isNumeric(f) && f.aggregate !== 'none');
  const shown = t.fields.filter((f) => f.type !== 'text');
  const chosen = numeric.find((f) => f.key === p.field) ?? numeric[0];
  const points = p.series.map((s) => ({ label: t.scheduleKind === 'monthly' ? `${s.period.slice(5, 7)}/${s.period.slice(2, 4)}` : `${s.period.slice(8, 10)}/${s.period.slice(5, 7)}`, value: chosen ? (s.totals[chosen.key] ?? null) : null }));
  const vals = points.map((x) => x.value).filter((x): x is number => x != null);
  const from = p.series[0]?.period;
  const to = p.series[p.series.length - 1]?.period;
  const submitted = r.lines.filter((l) => l.values).length;
  return (
    <Layout rc={rc} title={`${m.rollup.title}: ${t.name}`}>
      <Breadcrumbs items={[{ href: '/reports', label: m.nav.reports }, { label: t.name }]} />
      <h1>{t.name}</h1>
      <dl class="record">
        <dt>{m.rollup.unit}</dt>
        <dd>{unit.name}</dd>
        <dt>{m.template.schedule}</dt>
        <dd>{scheduleText(m, t)}</dd>
      </dl>
      <div class="actions no-print">
        {p.canSubmit ? (
          <a class="button" href={`/reports/${t.id}/units/${unit.id}/submit?period=${r.period}`}>
            {m.list.submit}
          </a>
        ) : null}
        {from && to ? (
          <a class="button" href={`/reports/${t.id}/units/${unit.id}/export.xlsx?from=${from}&to=${to}`}>
            {m.rollup.xlsx}
          </a>
        ) : null}
      </div>
      <Form rc={rc} action={`/reports/${t.id}/units/${unit.id}`} method="get" class="inline-form" id="rollup-period">
        <SelectField name="period" label={m.rollup.period} value={r.period} options={p.periods.map((x) => ({ value: x, label: periodText(m, t, x) }))} />
        {chosen ? <input type="hidden" name="field" value={chosen.key} /> : null}
        <input type="hidden" name="range" value={String(p.range)} />
        <button type="submit">{m.rollup.show}</button>
      </Form>
      <h2>{periodText(m, t, r.period)}</h2>
      {r.expected === 0 ? <p>{m.rollup.noTargets}</p> : null}
      <p>
        <strong>{m.rollup.submittedCount(submitted, r.expected)}</strong>
        {!r.due ? ` · ${m.rollup.notDueYet(formatDateTime(r.dueAt))}` : ''}
      </p>
      {p.locked ? <p class="notice">{m.rollup.locked(formatDateTime(p.locked.lockedAt))}</p> : null}
      {p.canLock && !p.locked && r.expected > 0 ? (
        <Form rc={rc} action={`/reports/${t.id}/units/${unit.id}/lock`} class="inline-form">
          <input type="hidden" name="period" value={r.period} />
          <p class="hint">{m.rollup.lockHint}</p>
          <button type="submit">{m.rollup.lock}</button>
        </Form>
      ) : null}

      <section aria-labelledby="h-totals">
        <h2 id="h-totals">{m.rollup.totals}</h2>
        <div class="table-wrap">
          <table class="rollup">
            <thead>
              <tr>
                <th scope="col">{m.template.fields}</th>
                <th scope="col" class="num">
                  {m.rollup.total}
                </th>
              </tr>
            </thead>
            <tbody>
              {numeric.map((f) => (
                <tr key={f.key}>
                  <th scope="row">
                    {fieldHeader(f, m)}
                    {f.unit ? <span class="muted"> ({f.unit})</span> : null}
                  </th>
                  <td class="num">{num(r.totals[f.key], rc)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="h-late">
        <h2 id="h-late">{m.rollup.lateList}</h2>
        {r.late.length === 0 ? <p class="muted">{m.rollup.noneLate}</p> : null}
        <ul class="list">
          {r.late.map((l) => (
            <li key={l.unit.id}>
              <strong>{l.unit.name}</strong> — {formatDateTime(l.firstSubmittedAt)} <span class="tag overdue">{m.rollup.late}</span>
            </li>
          ))}
        </ul>
        <h2>{m.rollup.missingList}</h2>
        {r.due ? (
          r.missing.length === 0 ? (
            <p class="muted">{m.rollup.noneMissing}</p>
          ) : (
            <ul class="list">
              {r.missing.map((l) => (
                <li key={l.unit.id}>
                  <strong>{l.unit.name}</strong> <span class="tag overdue">{m.rollup.missing}</span>
                </li>
              ))}
            </ul>
          )
        ) : (
          <p class="muted">{m.rollup.notDueYet(formatDateTime(r.dueAt))}</p>
        )}
      </section>

      {r.byChild.length > 1 || (r.byChild.length === 1 && r.byChild[0]!.expected > 1) ? (
        <section aria-labelledby="h-children">
          <h2 id="h-children">{m.rollup.byChild}</h2>
          <div class="table-wrap">
            <table class="rollup stack">
              <thead>
                <tr>
                  <th scope="col">{m.rollup.unit}</th>
                  <th scope="col">{m.rollup.submittedUnits}</th>
                  {numeric.map((f) => (
                    <th scope="col" key={f.key} class="num">
                      {fieldHeader(f, m)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.byChild.map((c) => (
                  <tr key={c.unit.id}>
                    <th scope="row" data-label={m.rollup.unit}>
                      <a href={`/reports/${t.id}/units/${c.unit.id}?period=${r.period}`}>{c.unit.name}</a>
                    </th>
                    <td data-label={m.rollup.submittedUnits}>
                      {c.submitted}/{c.expected}
                    </td>
                    <AggregateCells rc={rc} fields={numeric} totals={c.totals} m={m} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {r.lines.length ? (
        <section aria-labelledby="h-units">
          <h2 id="h-units">{m.rollup.perUnit}</h2>
          <div class="table-wrap">
            <table class="rollup stack">
              <thead>
                <tr>
                  <th scope="col">{m.rollup.unit}</th>
                  <th scope="col">{m.rollup.submittedAt}</th>
                  {shown.map((f) => (
                    <th scope="col" key={f.key} class="num">
                      {f.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.lines.map((l) => (
                  <tr key={l.unit.id} class={l.late || (!l.values && r.due) ? 'flagged' : undefined}>
                    <th scope="row" data-label={m.rollup.unit}>
                      {l.unit.name}
                    </th>
                    <td data-label={m.rollup.submittedAt}>
                      {l.submittedAt ? formatDateTime(l.firstSubmittedAt ?? l.submittedAt) : r.due ? <span class="tag overdue">{m.rollup.missing}</span> : '—'}
                      {l.late ? (
                        <>
                          {' '}
                          <span class="tag overdue">{m.rollup.late}</span>
                        </>
                      ) : null}
                    </td>
                    {shown.map((f) => (
                      <td key={f.key} class="num" data-label={f.label}>
                        {l.values ? valueText(rc, f, l.values[f.key], m) : '—'}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {p.corrections.length ? (
        <section aria-labelledby="h-corrections">
          <h2 id="h-corrections">{m.rollup.corrections}</h2>
          <ul class="list">
            {p.corrections.map((c) => (
              <li key={c.id}>
                <p>
                  <strong>{c.unitName}</strong> · {periodText(m, t, c.period)}
                </p>
                {c.note ? (
                  <p>
                    {m.rollup.reason}: {c.note}
                  </p>
                ) : null}
                <ul>
                  {t.fields
                    .filter((f) => JSON.stringify(c.values[f.key] ?? null) !== JSON.stringify(c.was?.[f.key] ?? null))
                    .map((f) => (
                      <li key={f.key}>
                        {f.label}: {valueText(rc, f, c.was?.[f.key], m)} → <strong>{valueText(rc, f, c.values[f.key], m)}</strong>
                      </li>
                    ))}
                </ul>
                {p.canReview ? (
                  <Form rc={rc} action={`/reports/${t.id}/corrections/${c.id}`} class="actions">
                    <button type="submit" name="decision" value="approve" class="primary">
                      {m.rollup.approve}
                    </button>
                    <button type="submit" name="decision" value="reject">
                      {m.rollup.reject}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {chosen && p.series.length > 1 ? (
        <section aria-labelledby="h-trend" class="chart">
          <h2 id="h-trend">{m.rollup.trend}</h2>
          <Form rc={rc} action={`/reports/${t.id}/units/${unit.id}`} method="get" class="inline-form" id="trend-field">
            <input type="hidden" name="period" value={r.period} />
            <SelectField name="field" label={m.rollup.trendField} value={chosen.key} options={numeric.map((f) => ({ value: f.key, label: f.label }))} />
            <SelectField name="range" label={m.rollup.trendRange} value={String(p.range)} options={[7, 30, 90, 365].map((n) => ({ value: String(n), label: m.rollup.lastPeriods(n) }))} />
            <button type="submit">{m.rollup.show}</button>
          </Form>
          <TrendChart
            id="trend"
            locale={rc.locale}
            title={m.rollup.chartTitle(chosen.label, formatDate(from), formatDate(to))}
            description={m.rollup.chartDesc(points.length, vals.length ? formatAmount(Math.min(...vals), rc.locale) : '—', vals.length ? formatAmount(Math.max(...vals), rc.locale) : '—')}
            points={points}
          />
          <details>
            <summary>{m.rollup.chartTable}</summary>
            <div class="table-wrap">
              <table class="rollup">
                <thead>
                  <tr>
                    <th scope="col">{m.rollup.period}</th>
                    <th scope="col" class="num">
                      {chosen.label}
                    </th>
                    <th scope="col" class="num">
                      {m.rollup.submittedUnits}
                    </th>
                    <th scope="col" class="num">
                      {m.rollup.late}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {p.series.map((s) => (
                    <tr key={s.period}>
                      <th scope="row">{formatDate(s.period)}</th>
                      <td class="num">{num(s.totals[chosen.key], rc)}</td>
                      <td class="num">{s.submitted}</td>
                      <td class="num">{s.late}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>
      ) : null}
    </Layout>
  );
}
