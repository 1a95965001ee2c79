import type { ComponentChildren } from 'preact';
import type { RequestContext } from '../core/http/context.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Field, Form, SelectField } from '../core/layout/components.tsx';
import { formatDate } from '../core/i18n/i18n.ts';
import { can } from '../core/policy/policy.ts';
import { unitResource } from '../core/policy/resources.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { orgMessages } from './messages.ts';
import { UNIT_KINDS, type Unit } from './schema.ts';
import type { MemberListRow } from '../people/members.ts';

type UnitPageProps = {
  rc: RequestContext;
  unit: Unit;
  ancestors: Unit[];
  children: (Unit & { memberCount?: number })[];
  closedChildren: Unit[];
  members: MemberListRow[] | null;
  memberCount: number;
  secretaries: string[];
  mergedInto: Unit | null;
  /** Sections other features add (src/org/routes.tsx addUnitSection). */
  sections?: ComponentChildren[];
};

export function UnitPage(p: UnitPageProps) {
  const { rc, unit } = p;
  const m = orgMessages(rc.locale);
  const showRecords = (row: MemberListRow) => can(rc.actor, 'member.view_record', { type: 'member', personId: row.personId, unitPath: row.unitPath, temporaryUnitPath: row.temporaryUnitPath });
  const visibleAncestors = p.ancestors.filter((a) => can(rc.actor, 'unit.view', unitResource(a)));
  return (
    <Layout rc={rc} title={unit.name}>
      <Breadcrumbs items={[...visibleAncestors.map((a) => ({ href: `/units/${a.id}`, label: a.shortName ?? a.name })), { label: unit.name }]} />
      <h1>{unit.name}</h1>
      <p>
        <span class="tag">{m.kinds[unit.kind]}</span>
        {unit.shortName === 'Chi bộ thí điểm' ? <span class="tag">{m.unit.pilot}</span> : null}
        <span class="muted">
          {' '}
          {m.admin.id}: {unit.id}
        </span>
        {unit.status === 'closed' ? (
          <span class="tag">
            {m.unit.closed} {formatDate(unit.closedAt)}
          </span>
        ) : null}
      </p>
      {p.mergedInto ? (
        <p class="notice">
          {m.unit.mergedInto}: <a href={`/units/${p.mergedInto.id}`}>{p.mergedInto.name}</a>
        </p>
      ) : null}
      {p.ancestors.length > 0 ? (
        <p>
          {m.unit.parent}: {p.ancestors[p.ancestors.length - 1]!.name}
        </p>
      ) : null}
      {unit.kind === 'cell' && p.secretaries.length > 0 ? (
        <p>
          {m.unit.secretary}: <strong>{p.secretaries.join(', ')}</strong>
        </p>
      ) : null}
      <p>{m.unit.memberCount(p.memberCount)}</p>
      {can(rc.actor, 'unit.rename', unitResource(unit)) ? (
        <p>
          <a class="button" href={`/admin/units/${unit.id}`}>
            {m.unit.manage}
          </a>
          {can(rc.actor, 'unit.manage_members', unitResource(unit)) ? (
            <>
              {' '}
              <a class="button" href={`/admin/people?unit=${unit.id}`}>
                {m.unit.members}
              </a>
            </>
          ) : null}
        </p>
      ) : null}
      {p.sections}
      {p.children.length > 0 ? (
        <section>
          <h2>{m.unit.children}</h2>
          <ul class="list">
            {p.children.map((c) => (
              <li key={c.id}>
                {can(rc.actor, 'unit.view', unitResource(c)) ? <a href={`/units/${c.id}`}>{c.name}</a> : c.name}{' '}
                <span class="muted">
                  · {m.kinds[c.kind]}
                  {c.memberCount != null ? ` · ${m.unit.memberCount(c.memberCount)}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {p.members ? (
        <section>
          <h2>{m.unit.members}</h2>
          <ul class="list">
            {p.members.map((row) => (
              <li key={row.personId}>
                {showRecords(row) ? <a href={`/admin/people/${row.personId}`}>{row.fullName}</a> : <span>{row.fullName}</span>}
                {row.position ? <span class="muted"> · {row.position}</span> : null}{' '}
                {row.exempt ? <span class="tag">{m.unit.exempt}</span> : null}
                {row.temporaryUnitId === unit.id ? <span class="tag">{m.unit.temporary}</span> : null}
                {row.phoneKind === 'none' && showRecords(row) ? <span class="tag">{m.unit.noPhone}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {p.closedChildren.length > 0 ? (
        <details>
          <summary>{m.admin.closedUnits}</summary>
          <ul class="list">
            {p.closedChildren.map((c) => (
              <li key={c.id}>
                <a href={`/units/${c.id}`}>{c.name}</a> <span class="muted">· {formatDate(c.closedAt)}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Layout>
  );
}

export function UnitAdminPage(p: { rc: RequestContext; unit: Unit; ancestors: Unit[]; errors?: FieldErrors; values?: FormValues; section?: string }) {
  const { rc, unit } = p;
  const m = orgMessages(rc.locale);
  const res = unitResource(unit);
  const kinds = UNIT_KINDS[unit.tree].filter((k) => k !== 'party_province');
  const err = (s: string) => (p.section === s ? p.errors : undefined);
  const vals = (s: string) => (p.section === s ? p.values : undefined);
  return (
    <Layout rc={rc} title={`${m.unit.manage}: ${unit.name}`}>
      <Breadcrumbs items={[{ href: '/admin', label: rc.t.nav.admin }, ...p.ancestors.map((a) => ({ href: `/admin/units/${a.id}`, label: a.shortName ?? a.name })), { label: unit.name }]} />
      <h1>{unit.name}</h1>
      <p>
        <span class="tag">{m.kinds[unit.kind]}</span> <span class="muted">{m.admin.id}: {unit.id}</span> · <a href={`/units/${unit.id}`}>{unit.kind === 'cell' ? m.unit.cellPage : m.unit.unitPage}</a>
        {can(rc.actor, 'unit.manage_staff', res) ? (
          <>
            {' · '}
            <a href={`/admin/units/${unit.id}/staff`}>{m.admin.staff}</a>
          </>
        ) : null}
      </p>
      {unit.status === 'closed' ? <p class="notice">{m.unit.closed}</p> : null}
      {unit.status === 'active' ? (
        <>
          <section class="card">
            <h2>{m.admin.rename}</h2>
            <ErrorSummary rc={rc} errors={err('rename')} />
            <Form rc={rc} action={`/admin/units/${unit.id}/rename`}>
              <Field name="name" label={m.admin.name} required value={vals('rename')?.name ?? unit.name} errors={err('rename')} maxLength={200} />
              <Field name="shortName" label={m.admin.shortName} value={vals('rename')?.shortName ?? unit.shortName ?? ''} errors={err('rename')} maxLength={100} />
              <button type="submit">{rc.t.common.save}</button>
            </Form>
          </section>
          {unit.kind !== 'cell' && can(rc.actor, 'unit.create_child', res) ? (
            <section class="card">
              <h2>{m.admin.createChild}</h2>
              <ErrorSummary rc={rc} errors={err('child')} />
              <Form rc={rc} action={`/admin/units/${unit.id}/children`}>
                <SelectField name="kind" label={m.admin.kind} required options={kinds.map((k) => ({ value: k, label: m.kinds[k] }))} values={vals('child')} errors={err('child')} />
                <Field name="name" label={m.admin.name} required values={vals('child')} errors={err('child')} maxLength={200} />
                <Field name="code" label={m.admin.code} values={vals('child')} errors={err('child')} maxLength={50} />
                <button type="submit" class="primary">
                  {m.admin.createChild}
                </button>
              </Form>
            </section>
          ) : null}
          {can(rc.actor, 'unit.restructure', res) ? (
            <>
              <section class="card">
                <h2>{m.admin.move}</h2>
                <ErrorSummary rc={rc} errors={err('move')} />
                <Form rc={rc} action={`/admin/units/${unit.id}/move`}>
                  <Field name="parentId" label={m.admin.newParent} inputMode="numeric" required values={vals('move')} errors={err('move')} />
                  <button type="submit">{m.admin.move}</button>
                </Form>
              </section>
              <section class="card">
                <h2>{m.admin.close}</h2>
                <ErrorSummary rc={rc} errors={err('close')} />
                <Form rc={rc} action={`/admin/units/${unit.id}/close`} confirm={m.admin.closeConfirm}>
                  <button type="submit" class="danger">
                    {m.admin.close}
                  </button>
                </Form>
              </section>
            </>
          ) : null}
          {can(rc.actor, 'unit.create_child', res) || can(rc.actor, 'unit.restructure', res) ? (
            <section class="card">
              <h2>{m.admin.merge}</h2>
              <p class="hint">{m.admin.mergeHint}</p>
              <ErrorSummary rc={rc} errors={err('merge')} />
              <Form rc={rc} action={`/admin/units/${unit.id}/merge`}>
                <Field name="sources" label={m.admin.mergeSources} required values={vals('merge')} errors={err('merge')} />
                <Field name="effectiveOn" label={m.admin.mergeDate} placeholder="dd/mm/yyyy" required values={vals('merge')} errors={err('merge')} />
                <button type="submit">{m.admin.merge}</button>
              </Form>
            </section>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}
