// The administration home (the units a person manages) and the audit log browser.
import { and, desc, eq, gte, inArray, like, lt, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, sendPage } from '../core/http/render.ts';
import { cleanBody, formValues, type FieldErrors, type FormValues } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Field, Form, Pager, SelectField } from '../core/layout/components.tsx';
import { can, isSystemAdmin } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { formatDateTime, parseDate } from '../core/i18n/i18n.ts';
import { auditLog } from '../core/audit/schema.ts';
import { AUDIT_ACTIONS } from '../core/audit/audit.ts';
import { auditActionLabel } from '../core/audit/labels.ts';
import { accounts } from '../core/auth/schema.ts';
import { people } from '../people/schema.ts';
import { ALL_UNIT_KINDS, units, type Unit, type UnitKind } from '../org/schema.ts';
import { createUnit, roots, treeOfKind } from '../org/tree.ts';
import { orgMessages } from '../org/messages.ts';
import { peopleAdminMessages } from '../people/messages.ts';

async function managedUnits(rc: RequestContext): Promise<Unit[]> {
  const a = rc.actor!;
  if (isSystemAdmin(a)) return roots(rc.db);
  const ids = [...new Set(a.grants.map((g) => g.unitId).filter((x): x is number => x != null))];
  if (ids.length === 0) return [];
  return rc.db.select().from(units).where(inArray(units.id, ids));
}

function AdminHome(p: { rc: RequestContext; units: Unit[]; errors?: FieldErrors; values?: FormValues }) {
  const { rc } = p;
  const m = peopleAdminMessages(rc.locale);
  const o = orgMessages(rc.locale);
  return (
    <Layout rc={rc} title={m.adminTitle}>
      <h1>{m.adminTitle}</h1>
      <h2>{m.myUnits}</h2>
      <ul class="list">
        {p.units.map((u) => {
          const res = unitResource(u);
          return (
            <li key={u.id}>
              <strong>{u.name}</strong> <span class="muted">· {o.kinds[u.kind]}</span>
              <div class="actions">
                <a href={`/units/${u.id}`}>{u.kind === 'cell' ? o.unit.cellPage : o.unit.unitPage}</a>
                {can(rc.actor, 'unit.rename', res) ? <a href={`/admin/units/${u.id}`}>{o.unit.manage}</a> : null}
                {u.tree === 'party' && can(rc.actor, 'unit.member_records', res) ? <a href={`/admin/people?unit=${u.id}`}>{m.title}</a> : null}
                {can(rc.actor, 'unit.view_audit', res) ? <a href={`/admin/units/${u.id}/audit`}>{m.audit}</a> : null}
              </div>
            </li>
          );
        })}
      </ul>
      {can(rc.actor, 'system.audit', { type: 'system' }) ? (
        <p>
          <a class="button" href="/admin/audit">
            {m.audit}
          </a>
        </p>
      ) : null}
      {can(rc.actor, 'system.manage', { type: 'system' }) ? (
        <section class="card">
          <h2>{rc.locale === 'en' ? 'Add a top-level unit' : 'Thêm đơn vị cấp cao nhất'}</h2>
          <p class="hint">{rc.locale === 'en' ? 'A new tree: a province party organisation, a People’s Committee, or an outside issuer of documents.' : 'Một cây mới: đảng bộ tỉnh, ủy ban nhân dân, hoặc cơ quan bên ngoài ban hành văn bản.'}</p>
          <ErrorSummary rc={rc} errors={p.errors} />
          <Form rc={rc} action="/admin/units">
            <SelectField name="kind" label={o.admin.kind} required options={ALL_UNIT_KINDS.filter((k) => k !== 'cell').map((k) => ({ value: k, label: `${o.kinds[k]} (${o.trees[treeOfKind(k)]})` }))} values={p.values} errors={p.errors} />
            <Field name="name" label={o.admin.name} required values={p.values} errors={p.errors} maxLength={200} />
            <Field name="code" label={o.admin.code} values={p.values} errors={p.errors} maxLength={50} />
            <button type="submit">{rc.t.common.save}</button>
          </Form>
        </section>
      ) : null}
    </Layout>
  );
}

const auditQuery = z.object({
  action: z.string().max(60).optional(),
  actor: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  from: z.string().max(20).optional(),
  to: z.string().max(20).optional(),
  page: z.coerce.number().int().min(1).max(100000).optional(),
});
type AuditQuery = z.infer<typeof auditQuery>;
const AUDIT_PAGE = 50;

type AuditRow = { entry: typeof auditLog.$inferSelect; actorName: string | null; unitName: string | null };

function AuditPage(p: { rc: RequestContext; rows: AuditRow[]; query: AuditQuery; unit: Unit | null; hasMore: boolean }) {
  const { rc, query } = p;
  const m = peopleAdminMessages(rc.locale);
  const href = (page: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, page })) if (v !== undefined && v !== '') q.set(k, String(v));
    return `${p.unit ? `/admin/units/${p.unit.id}/audit` : '/admin/audit'}?${q}`;
  };
  return (
    <Layout rc={rc} title={m.audit}>
      <Breadcrumbs items={[{ href: '/admin', label: m.adminTitle }, { label: m.audit }]} />
      <h1>
        {m.audit}
        {p.unit ? `: ${p.unit.name}` : ''}
      </h1>
      <Form rc={rc} action={p.unit ? `/admin/units/${p.unit.id}/audit` : '/admin/audit'} method="get">
        <div class="field">
          <label for="f-action">{rc.locale === 'en' ? 'Action' : 'Thao tác'}</label>
          <select id="f-action" name="action">
            <option value="">—</option>
            {AUDIT_ACTIONS.map((a) => (
              <option value={a} selected={query.action === a}>
                {auditActionLabel(a, rc.locale)}
              </option>
            ))}
          </select>
        </div>
        <Field name="from" label={rc.locale === 'en' ? 'From (dd/mm/yyyy)' : 'Từ ngày (dd/mm/yyyy)'} value={query.from ?? ''} />
        <Field name="to" label={rc.locale === 'en' ? 'To (dd/mm/yyyy)' : 'Đến ngày (dd/mm/yyyy)'} value={query.to ?? ''} />
        <button type="submit">{rc.t.common.search}</button>
      </Form>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{rc.locale === 'en' ? 'When' : 'Thời điểm'}</th>
              <th scope="col">{rc.locale === 'en' ? 'Who' : 'Người thực hiện'}</th>
              <th scope="col">{rc.locale === 'en' ? 'Action' : 'Thao tác'}</th>
              <th scope="col">{rc.locale === 'en' ? 'Details' : 'Chi tiết'}</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.entry.id}>
                <td>{formatDateTime(r.entry.at)}</td>
                <td>{r.actorName ?? (rc.locale === 'en' ? 'system' : 'hệ thống')}</td>
                <td>
                  {auditActionLabel(r.entry.action, rc.locale)}
                  <div class="muted">
                    {r.entry.entityType} {r.entry.entityId ?? ''}
                    {r.unitName ? ` · ${r.unitName}` : ''}
                  </div>
                </td>
                <td>
                  <details>
                    <summary>JSON</summary>
                    <pre>{JSON.stringify({ before: r.entry.before, after: r.entry.after }, null, 1)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager rc={rc} page={query.page ?? 1} hasMore={p.hasMore} href={href} />
    </Layout>
  );
}

export const adminFeature: Feature = {
  name: 'admin',
  routes: (app: FastifyInstance) => {
    defineRoute(app, {
      method: 'GET',
      url: '/admin',
      access: guard('admin.enter', () => ({ type: 'self' as const })),
      handler: async (_req, reply, rc) => sendPage(reply, <AdminHome rc={rc} units={await managedUnits(rc)} />),
    });
    const browse = async (rc: RequestContext, query: AuditQuery, unit: Unit | null) => {
      const conds: (SQL | undefined)[] = [];
      if (unit) conds.push(inArray(auditLog.unitId, rc.db.select({ id: units.id }).from(units).where(like(units.path, `${unit.path}%`))));
      if (query.action) conds.push(eq(auditLog.action, query.action));
      if (query.actor) conds.push(eq(auditLog.actorAccountId, query.actor));
      const from = query.from ? parseDate(query.from) : null;
      const to = query.to ? parseDate(query.to) : null;
      if (from) conds.push(gte(auditLog.at, new Date(`${from}T00:00:00+07:00`)));
      if (to) conds.push(lt(auditLog.at, new Date(new Date(`${to}T00:00:00+07:00`).getTime() + 86_400_000)));
      const page = query.page ?? 1;
      const rows = await rc.db
        .select({ entry: auditLog, actorName: people.fullName, unitName: units.name })
        .from(auditLog)
        .leftJoin(accounts, eq(accounts.id, auditLog.actorAccountId))
        .leftJoin(people, eq(people.id, accounts.personId))
        .leftJoin(units, eq(units.id, auditLog.unitId))
        .where(and(...conds))
        .orderBy(desc(auditLog.id))
        .limit(AUDIT_PAGE + 1)
        .offset((page - 1) * AUDIT_PAGE);
      return <AuditPage rc={rc} rows={rows.slice(0, AUDIT_PAGE)} query={query} unit={unit} hasMore={rows.length > AUDIT_PAGE} />;
    };
    defineRoute(app, {
      method: 'POST',
      url: '/admin/units',
      access: guard('system.manage', () => ({ type: 'system' as const })),
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as { kind?: string; name?: string; code?: string };
        try {
          if (!ALL_UNIT_KINDS.includes(b.kind as UnitKind) || b.kind === 'cell') throw new DomainError('invalid', 'Hãy chọn loại đơn vị.');
          const u = await rc.db.transaction((tx) => createUnit(tx, rc.who, { parentId: null, kind: b.kind as UnitKind, name: b.name ?? '', code: b.code ?? null }));
          return redirectWithFlash(reply, `/admin/units/${u.id}`, orgMessages(rc.locale).admin.created);
        } catch (e) {
          if (!(e instanceof DomainError) || e.code === 'forbidden') throw e;
          return sendPage(reply, <AdminHome rc={rc} units={await managedUnits(rc)} errors={{ _form: e.message }} values={formValues(req.body)} />, e.status);
        }
      },
    });
    defineRoute<unknown, AuditQuery>(app, {
      method: 'GET',
      url: '/admin/audit',
      query: auditQuery,
      access: guard('system.audit', () => ({ type: 'system' as const })),
      handler: async (req, reply, rc) => sendPage(reply, await browse(rc, req.query, null)),
    });
    defineRoute<{ id: number }, AuditQuery>(app, {
      method: 'GET',
      url: '/admin/units/:id/audit',
      params: z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }),
      query: auditQuery,
      access: guard('unit.view_audit', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const [unit] = await rc.db.select().from(units).where(eq(units.id, req.params.id));
        return sendPage(reply, await browse(rc, req.query, unit!));
      },
    });
  },
};
