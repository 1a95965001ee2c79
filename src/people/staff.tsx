// Staff: people who hold a role in a unit — committee members, clerks, administrators — whether
// or not they are party members in the system (a clerk of a People's Committee usually is not).
import crypto from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { sendPage } from '../core/http/render.ts';
import { cleanBody, formValues, idParam, type FieldErrors, type FormValues } from '../core/http/forms.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Field, Form, SelectField } from '../core/layout/components.tsx';
import { loadPersonResource, loadUnitResource } from '../core/policy/resources.ts';
import { can } from '../core/policy/policy.ts';
import { DomainError } from '../core/errors.ts';
import { accounts, roleAssignments, ROLES, type Role } from '../core/auth/schema.ts';
import { accountOfPerson, activeGrants, createAccount, grantRole } from '../core/auth/accounts.ts';
import { temporaryPassword } from '../core/auth/password.ts';
import { normalizePhone } from '../core/text/vietnamese.ts';
import { getUnit } from '../org/tree.ts';
import type { Unit } from '../org/schema.ts';
import { members, people } from './schema.ts';
import { createPerson } from './members.ts';
import { peopleAdminMessages, peopleMessages } from './messages.ts';
import { AccountSection, TemporaryPasswordPage, type AccountRights } from './views.tsx';
import { accountRights } from './routes.tsx';

export async function staffOfUnit(rc: RequestContext, unitId: number) {
  return rc.db
    .select({ grantId: roleAssignments.id, role: roleAssignments.role, personId: people.id, fullName: people.fullName, isMember: members.personId })
    .from(roleAssignments)
    .innerJoin(accounts, eq(accounts.id, roleAssignments.accountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .leftJoin(members, eq(members.personId, people.id))
    .where(and(eq(roleAssignments.unitId, unitId), isNull(roleAssignments.revokedAt)))
    .orderBy(asc(people.sortKey));
}

const STAFF_ROLES = ROLES.filter((r) => r !== 'system_admin');

function StaffPage(p: { rc: RequestContext; unit: Unit; staff: Awaited<ReturnType<typeof staffOfUnit>>; errors?: FieldErrors; values?: FormValues }) {
  const { rc, unit } = p;
  const m = peopleAdminMessages(rc.locale);
  const f = peopleMessages(rc.locale);
  const title = rc.locale === 'en' ? 'Staff and roles' : 'Cán bộ và vai trò';
  return (
    <Layout rc={rc} title={`${title} · ${unit.name}`}>
      <Breadcrumbs items={[{ href: '/admin', label: m.adminTitle }, { href: `/admin/units/${unit.id}`, label: unit.name }, { label: title }]} />
      <h1>
        {title}: {unit.name}
      </h1>
      <ul class="list">
        {p.staff.map((s) => (
          <li key={s.grantId}>
            <a href={s.isMember ? `/admin/people/${s.personId}` : `/admin/staff/${s.personId}`}>{s.fullName}</a> — {m.roleNames[s.role]}
          </li>
        ))}
      </ul>
      <h2>{rc.locale === 'en' ? 'Add a staff member without a party record here' : 'Thêm cán bộ (chưa có hồ sơ đảng viên trong hệ thống)'}</h2>
      <p class="hint">
        {rc.locale === 'en'
          ? 'To give a role to a party member, open their record and use "Grant a role".'
          : 'Để giao vai trò cho một đảng viên đã có hồ sơ, hãy mở hồ sơ của đồng chí đó và chọn "Giao vai trò".'}
      </p>
      <ErrorSummary rc={rc} errors={p.errors} labels={{ ...f.fields, username: rc.locale === 'en' ? 'User name' : 'Tên đăng nhập', role: m.role }} />
      <Form rc={rc} action={`/admin/units/${unit.id}/staff`}>
        <Field name="fullName" label={f.fields.fullName} required values={p.values} errors={p.errors} maxLength={100} />
        <Field name="phone" label={f.fields.phone} type="tel" inputMode="tel" values={p.values} errors={p.errors} />
        <Field name="email" label={f.fields.email} type="email" values={p.values} errors={p.errors} />
        <Field name="username" label={rc.locale === 'en' ? 'User name (optional)' : 'Tên đăng nhập (không bắt buộc)'} hint={rc.locale === 'en' ? 'Latin letters, digits, dot or dash.' : 'Chữ không dấu, số, dấu chấm hoặc gạch.'} values={p.values} errors={p.errors} maxLength={41} />
        <SelectField name="role" label={m.role} required options={STAFF_ROLES.map((r) => ({ value: r, label: m.roleNames[r] }))} values={p.values} errors={p.errors} />
        <button type="submit" class="primary">
          {rc.t.common.save}
        </button>
      </Form>
    </Layout>
  );
}

const staffBody = z.object({
  fullName: z.string().min(2, 'Hãy nhập họ và tên.').max(100).refine((s) => s.trim().split(/\s+/).length >= 2, 'Họ và tên phải có ít nhất hai từ.'),
  phone: z.string().optional().refine((s) => !s || normalizePhone(s) != null, 'Số điện thoại không hợp lệ.'),
  email: z.string().email('Email không hợp lệ.').optional(),
  username: z.string().optional(),
  role: z.enum(STAFF_ROLES as [Role, ...Role[]], { error: 'Hãy chọn vai trò.' }),
});

function PersonPage(p: { rc: RequestContext; person: typeof people.$inferSelect; account: Awaited<ReturnType<typeof accountOfPerson>>; grants: Awaited<ReturnType<typeof activeGrants>>; rights: AccountRights }) {
  const { rc, person } = p;
  const m = peopleAdminMessages(rc.locale);
  const f = peopleMessages(rc.locale);
  return (
    <Layout rc={rc} title={person.fullName}>
      <Breadcrumbs items={[{ href: '/admin', label: m.adminTitle }, { label: person.fullName }]} />
      <h1>{person.fullName}</h1>
      <dl class="record">
        <dt>{f.fields.phone}</dt>
        <dd>{person.phone ?? '—'}</dd>
        <dt>{f.fields.email}</dt>
        <dd>{person.email ?? '—'}</dd>
      </dl>
      <h2>{m.account}</h2>
      <AccountSection rc={rc} personId={person.id} account={p.account} grants={p.grants} canCreate={false} rights={p.rights} />
    </Layout>
  );
}

export const staffFeature: Feature = {
  name: 'staff',
  routes: (app: FastifyInstance) => {
    const manageStaff = guard('unit.manage_staff', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id));
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/admin/units/:id/staff',
      params: idParam,
      access: manageStaff,
      handler: async (req, reply, rc) => sendPage(reply, <StaffPage rc={rc} unit={await getUnit(rc.db, req.params.id)} staff={await staffOfUnit(rc, req.params.id)} />),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/units/:id/staff',
      params: idParam,
      access: manageStaff,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.id);
        const parsed = staffBody.safeParse(cleanBody(req.body));
        const rerender = async (errors: FieldErrors, status: number) =>
          sendPage(reply, <StaffPage rc={rc} unit={unit} staff={await staffOfUnit(rc, unit.id)} errors={errors} values={formValues(req.body)} />, status);
        if (!parsed.success) return rerender(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? '_form'), i.message])), 422);
        const b = parsed.data;
        if (!can(rc.actor, 'role.grant', { type: 'grant', role: b.role, unitPath: unit.path })) throw new DomainError('forbidden', rc.t.errors.forbidden);
        const password = temporaryPassword(crypto.randomBytes);
        try {
          await rc.db.transaction(async (tx) => {
            const person = await createPerson(tx, rc.who, { fullName: b.fullName.replace(/\s+/g, ' ').trim(), birthDate: null, gender: null, phone: b.phone ? normalizePhone(b.phone) : null, email: b.email ?? null, phoneKind: 'smartphone' });
            const acc = await createAccount(tx, rc.who, { personId: person.id, username: b.username ?? null, password, mustChangePassword: true });
            await grantRole(tx, rc.who, { accountId: acc.id, role: b.role, unitId: unit.id });
          });
        } catch (e) {
          if (e instanceof DomainError && e.code !== 'forbidden') return rerender({ _form: e.message }, e.status);
          throw e;
        }
        return sendPage(reply, <TemporaryPasswordPage rc={rc} personId={0} fullName={b.fullName} password={password} heading={peopleAdminMessages(rc.locale).accountCreated} backHref={`/admin/units/${unit.id}/staff`} />);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/admin/staff/:id',
      params: idParam,
      access: guard('person.view', (req: { params: { id: number } }, rc) => loadPersonResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const [person] = await rc.db.select().from(people).where(eq(people.id, req.params.id));
        if (!person) throw new DomainError('not_found', rc.t.errors.notFound);
        const [isMember] = await rc.db.select({ id: members.personId }).from(members).where(eq(members.personId, person.id));
        if (isMember) return reply.redirect(`/admin/people/${person.id}`, 303);
        const account = await accountOfPerson(rc.db, person.id);
        return sendPage(reply, <PersonPage rc={rc} person={person} account={account} grants={account ? await activeGrants(rc.db, account.id) : []} rights={await accountRights(rc, account?.id)} />);
      },
    });
  },
};
