// Member records, accounts and roles: administration pages and the members API.
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, sendPage } from '../core/http/render.ts';
import { cleanBody, formValues, idParam } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { can } from '../core/policy/policy.ts';
import { loadAccountResource, loadMemberResource, loadUnitResource } from '../core/policy/resources.ts';
import { formatDate, parseDate } from '../core/i18n/i18n.ts';
import { accountOfPerson, activeGrants, createAccount, getAccount, grantRole, resetPassword, revokeRole, setDisabled } from '../core/auth/accounts.ts';
import { members } from './schema.ts';
import { createLoginToken } from '../core/auth/login.ts';
import { ROLES, roleAssignments, type Role } from '../core/auth/schema.ts';
import { temporaryPassword } from '../core/auth/password.ts';
import { getUnit } from '../org/tree.ts';
import { changeMemberStatus, createMember, getMemberRecord, listMembers, memberHistory, STATUS_CHANGES, transferMember, updateMember, type StatusChange } from './members.ts';
import { validateMember } from './validation.ts';
import { peopleAdminMessages } from './messages.ts';
import { LoginCardPage, MemberListPage, MemberRecordPage, NewMemberPage, NO_RIGHTS, TemporaryPasswordPage, type AccountRights } from './views.tsx';
import { loginCardPdf, loginCardSvg } from './login-card.ts';
import { memberJson, presentMember } from './presenters.ts';

const PAGE = 50;
const memberGuard = (action: 'member.view_record' | 'member.edit' | 'member.manage_account') =>
  guard(action, (req: { params: { id: number } }, rc) => loadMemberResource(rc.db, req.params.id));
const unitQuery = z.object({ unit: z.coerce.number().int().positive().max(2_147_483_647), q: z.string().max(100).optional(), former: z.string().optional(), page: z.coerce.number().int().min(1).max(10000).optional() });
type UnitQuery = z.infer<typeof unitQuery>;

async function recordPage(rc: RequestContext, personId: number, extra: { errors?: Record<string, string>; values?: Record<string, string>; section?: string; notice?: string } = {}) {
  const record = await getMemberRecord(rc.db, personId);
  const account = await accountOfPerson(rc.db, personId);
  return (
    <MemberRecordPage rc={rc} record={record} history={await memberHistory(rc.db, personId)} account={account} grants={account ? await activeGrants(rc.db, account.id) : []} rights={await accountRights(rc, account?.id)} {...extra} />
  );
}

/** What the actor may do to an account, for the buttons shown (the routes check again). */
export async function accountRights(rc: RequestContext, accountId: number | undefined): Promise<AccountRights> {
  if (accountId == null) return NO_RIGHTS;
  const res = await loadAccountResource(rc.db, accountId);
  if (!res) return NO_RIGHTS;
  return { reset: can(rc.actor, 'account.reset_password', res), card: can(rc.actor, 'account.print_login_card', res), manage: can(rc.actor, 'account.manage', res), grant: can(rc.actor, 'account.grant_role', res) };
}

/** Re-renders the record page with a section's errors when a domain rule refuses the change. */
async function onRecord(rc: RequestContext, reply: FastifyReply, personId: number, section: string, body: unknown, run: () => Promise<string>) {
  try {
    return redirectWithFlash(reply, `/admin/people/${personId}`, await run());
  } catch (e) {
    if (!(e instanceof DomainError) || e.code === 'forbidden') throw e;
    const errors = (e.details?.errors as Record<string, string>) ?? { _form: e.message };
    return sendPage(reply, await recordPage(rc, personId, { errors, values: formValues(body), section }), e.status);
  }
}

function baseUrl(rc: RequestContext, req: { protocol: string; host: string }): string {
  return rc.config.publicUrl ?? `${req.protocol}://${req.host}`;
}

export const peopleFeature: Feature = {
  name: 'people',
  routes: (app: FastifyInstance) => {
    defineRoute<unknown, UnitQuery>(app, {
      method: 'GET',
      url: '/admin/people',
      query: unitQuery,
      access: guard('unit.member_records', (req: { query: UnitQuery }, rc) => loadUnitResource(rc.db, req.query.unit)),
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.query.unit);
        const page = req.query.page ?? 1;
        const q = req.query.q ?? '';
        const includeFormer = req.query.former === '1';
        const rows = await listMembers(rc.db, { ...(unit.kind === 'cell' ? { cellId: unit.id } : { subtreePath: unit.path }), q, includeFormer, limit: PAGE + 1, offset: (page - 1) * PAGE });
        return sendPage(reply, <MemberListPage rc={rc} unit={unit} rows={rows.slice(0, PAGE)} q={q} includeFormer={includeFormer} page={page} hasMore={rows.length > PAGE} />);
      },
    });

    const cellQuery = z.object({ unit: z.coerce.number().int().positive().max(2_147_483_647) });
    const manageCell = guard('unit.manage_members', (req: { query: { unit: number } }, rc) => loadUnitResource(rc.db, req.query.unit));
    defineRoute<unknown, { unit: number }>(app, {
      method: 'GET',
      url: '/admin/people/new',
      query: cellQuery,
      access: manageCell,
      handler: async (req, reply, rc) => sendPage(reply, <NewMemberPage rc={rc} unit={await getUnit(rc.db, req.query.unit)} />),
    });
    defineRoute<unknown, { unit: number }>(app, {
      method: 'POST',
      url: '/admin/people',
      query: cellQuery,
      access: manageCell,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.query.unit);
        const v = validateMember(cleanBody(req.body), rc.locale);
        if (!v.ok) return sendPage(reply, <NewMemberPage rc={rc} unit={unit} values={formValues(req.body)} errors={v.errors} />, 422);
        try {
          const m = await rc.db.transaction((tx) => createMember(tx, rc.who, { ...v.value, unitId: unit.id }));
          return redirectWithFlash(reply, `/admin/people/${m.personId}`, peopleAdminMessages(rc.locale).created);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          return sendPage(reply, <NewMemberPage rc={rc} unit={unit} values={formValues(req.body)} errors={{ _form: e.message }} />, e.status);
        }
      },
    });

    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/admin/people/:id',
      params: idParam,
      access: memberGuard('member.view_record'),
      handler: async (req, reply, rc) => sendPage(reply, await recordPage(rc, req.params.id)),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/people/:id',
      params: idParam,
      access: memberGuard('member.edit'),
      handler: async (req, reply, rc) => {
        const v = validateMember(cleanBody(req.body), rc.locale);
        if (!v.ok) return sendPage(reply, await recordPage(rc, req.params.id, { errors: v.errors, values: formValues(req.body), section: 'edit' }), 422);
        return onRecord(rc, reply, req.params.id, 'edit', req.body, async () => {
          await rc.db.transaction((tx) => updateMember(tx, rc.who, req.params.id, v.value));
          return peopleAdminMessages(rc.locale).saved;
        });
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/people/:id/transfer',
      params: idParam,
      access: memberGuard('member.edit'),
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as Record<string, string>;
        return onRecord(rc, reply, req.params.id, 'transfer', req.body, async () => {
          const errors: Record<string, string> = {};
          const toUnitId = Number(b.toUnitId);
          const effectiveOn = parseDate(b.effectiveOn ?? '');
          if (!effectiveOn) errors.effectiveOn = 'Ngày không hợp lệ (dd/mm/yyyy).';
          const target = Number.isInteger(toUnitId) && toUnitId > 0 ? await loadUnitResource(rc.db, toUnitId) : null;
          if (!target) errors.toUnitId = 'Không tìm thấy chi bộ với mã số này.';
          else if (!can(rc.actor, 'unit.manage_members', target)) errors.toUnitId = 'Đồng chí không có quyền quản lý chi bộ chuyển đến; hãy nhờ cấp ủy cấp trên thực hiện.';
          if (Object.keys(errors).length) throw new DomainError('invalid', Object.values(errors)[0]!, { errors });
          await rc.db.transaction((tx) => transferMember(tx, rc.who, req.params.id, { toUnitId, temporary: b.temporary === '1', effectiveOn: effectiveOn!, note: b.note ?? null }));
          return peopleAdminMessages(rc.locale).transferred;
        });
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/people/:id/status',
      params: idParam,
      access: memberGuard('member.edit'),
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as Record<string, string>;
        return onRecord(rc, reply, req.params.id, 'status', req.body, async () => {
          const effectiveOn = parseDate(b.effectiveOn ?? '');
          if (!STATUS_CHANGES.includes(b.change as StatusChange)) throw new DomainError('invalid', 'Hãy chọn thay đổi.', { errors: { change: 'Hãy chọn thay đổi.' } });
          if (!effectiveOn) throw new DomainError('invalid', 'Ngày không hợp lệ (dd/mm/yyyy).', { errors: { effectiveOn: 'Ngày không hợp lệ (dd/mm/yyyy).' } });
          await rc.db.transaction((tx) => changeMemberStatus(tx, rc.who, req.params.id, b.change as StatusChange, effectiveOn, b.note ?? null));
          return peopleAdminMessages(rc.locale).statusChanged;
        });
      },
    });

    // Accounts.
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/people/:id/account',
      params: idParam,
      access: memberGuard('member.manage_account'),
      handler: async (req, reply, rc) => {
        const password = temporaryPassword(crypto.randomBytes);
        const record = await getMemberRecord(rc.db, req.params.id);
        await rc.db.transaction((tx) => createAccount(tx, rc.who, { personId: req.params.id, password, mustChangePassword: true }));
        return sendPage(reply, <TemporaryPasswordPage rc={rc} personId={req.params.id} fullName={record.person.fullName} password={password} heading={peopleAdminMessages(rc.locale).accountCreated} />);
      },
    });
    const accountGuard = guard('account.reset_password', (req: { params: { id: number } }, rc) => loadAccountResource(rc.db, req.params.id));
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/accounts/:id/reset-password',
      params: idParam,
      access: accountGuard,
      handler: async (req, reply, rc) => {
        const acc = await getAccount(rc.db, req.params.id);
        const password = await resetPassword(rc.db, rc.who, acc.id);
        const record = await getMemberRecord(rc.db, acc.personId).catch(() => null);
        return sendPage(reply, <TemporaryPasswordPage rc={rc} personId={acc.personId} fullName={record?.person.fullName ?? ''} password={password} heading={peopleAdminMessages(rc.locale).resetDone} />);
      },
    });
    defineRoute<{ id: number }, { format?: 'pdf' }>(app, {
      method: 'POST',
      url: '/admin/accounts/:id/login-card',
      params: idParam,
      query: z.object({ format: z.literal('pdf').optional() }),
      access: guard('account.print_login_card', (req: { params: { id: number } }, rc) => loadAccountResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const acc = await getAccount(rc.db, req.params.id);
        const record = await getMemberRecord(rc.db, acc.personId).catch(() => null);
        const { token, expiresAt } = await rc.db.transaction((tx) => createLoginToken(tx, rc.who, acc.id));
        const url = `${baseUrl(rc, req)}/login/card/${token}`;
        const m = peopleAdminMessages(rc.locale);
        const fullName = record?.person.fullName ?? '';
        const expires = formatDate(expiresAt);
        if (req.query.format === 'pdf') {
          const pdf = await loginCardPdf({ url, fullName, unitName: record?.unitName ?? null, title: m.loginCardTitle, scan: m.loginCardScan, valid: m.loginCardValid(expires) });
          return reply.type('application/pdf').header('content-disposition', `attachment; filename="the-dang-nhap-${acc.personId}.pdf"`).header('cache-control', 'no-store').send(pdf);
        }
        const login = record?.person.phone ?? record?.member.cardNumber ?? acc.username ?? null;
        return sendPage(reply, <LoginCardPage rc={rc} fullName={fullName} unitName={record?.unitName ?? null} qrSvg={await loginCardSvg(url)} expires={expires} personId={acc.personId} site={baseUrl(rc, req)} login={login} />);
      },
    });

    for (const [url, disabled] of [['disable', true], ['enable', false]] as const) {
      defineRoute<{ id: number }>(app, {
        method: 'POST',
        url: `/admin/accounts/:id/${url}`,
        params: idParam,
        access: guard('account.manage', (req: { params: { id: number } }, rc) => loadAccountResource(rc.db, req.params.id)),
        handler: async (req, reply, rc) => {
          const acc = await getAccount(rc.db, req.params.id);
          await setDisabled(rc.db, rc.who, acc.id, disabled);
          const [isMember] = await rc.db.select({ id: members.personId }).from(members).where(eq(members.personId, acc.personId));
          return redirectWithFlash(reply, isMember ? `/admin/people/${acc.personId}` : `/admin/staff/${acc.personId}`, rc.t.common.saved);
        },
      });
    }

    // Roles.
    const grantBody = z.object({ role: z.enum(ROLES), unitId: z.coerce.number().int().positive().max(2_147_483_647) });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/admin/accounts/:id/roles',
      params: idParam,
      access: guard('role.grant', async (req: { body: unknown }, rc) => {
        const b = grantBody.safeParse(cleanBody(req.body));
        if (!b.success) throw new DomainError('invalid', 'Hãy chọn vai trò và nhập mã số đơn vị.');
        const unit = await loadUnitResource(rc.db, b.data.unitId);
        if (!unit) throw new DomainError('invalid', 'Không tìm thấy đơn vị với mã số này.');
        return { type: 'grant', role: b.data.role as Role, unitPath: unit.path };
      }),
      handler: async (req, reply, rc) => {
        const b = grantBody.parse(cleanBody(req.body));
        const acc = await getAccount(rc.db, req.params.id);
        // The unit must be the administrator's, and so must the person (no roles pinned on strangers).
        const target = await loadAccountResource(rc.db, acc.id);
        if (!target || !can(rc.actor, 'account.grant_role', target)) throw new DomainError('forbidden', rc.t.errors.forbidden);
        try {
          await rc.db.transaction((tx) => grantRole(tx, rc.who, { accountId: acc.id, role: b.role, unitId: b.unitId }));
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          return sendPage(reply, await recordPage(rc, acc.personId, { errors: { _form: e.message }, values: formValues(req.body), section: 'roles' }), e.status);
        }
        return redirectWithFlash(reply, `/admin/people/${acc.personId}`, rc.t.common.saved);
      },
    });
    const revokeParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647), grantId: z.coerce.number().int().positive().max(2_147_483_647) });
    defineRoute<{ id: number; grantId: number }>(app, {
      method: 'POST',
      url: '/admin/accounts/:id/roles/:grantId/revoke',
      params: revokeParams,
      access: guard('role.revoke', async (req: { params: { id: number; grantId: number } }, rc) => {
        const [g] = await rc.db.select().from(roleAssignments).where(eq(roleAssignments.id, req.params.grantId));
        if (!g || g.accountId !== req.params.id) return null;
        const unit = g.unitId ? await loadUnitResource(rc.db, g.unitId) : null;
        return { type: 'grant', role: g.role, unitPath: unit?.path ?? null };
      }),
      handler: async (req, reply, rc) => {
        const acc = await getAccount(rc.db, req.params.id);
        await rc.db.transaction((tx) => revokeRole(tx, rc.who, req.params.grantId));
        return redirectWithFlash(reply, `/admin/people/${acc.personId}`, rc.t.common.saved);
      },
    });

    // API.
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/api/v1/members/:id',
      params: idParam,
      access: memberGuard('member.view_record'),
      doc: { summary: "A member's record (need-to-know: the cell's leaders and the committees above)", tags: ['members'], response: { 200: memberJson } },
      handler: async (req, _reply, rc) => presentMember(await getMemberRecord(rc.db, req.params.id)),
    });
    const memberBody = z.record(z.string(), z.unknown());
    defineRoute<unknown, { unit: number }, Record<string, unknown>>(app, {
      method: 'POST',
      url: '/api/v1/members',
      query: cellQuery,
      body: memberBody,
      access: manageCell,
      doc: { summary: 'Create a member in a cell (fields as in the record; dates dd/mm/yyyy or yyyy-mm-dd)', tags: ['members'], response: { 201: memberJson } },
      handler: async (req, reply, rc) => {
        const v = validateMember(req.body, rc.locale);
        if (!v.ok) return reply.code(422).send({ error: { code: 'invalid', message: rc.t.common.formHasErrors(Object.keys(v.errors).length), fields: v.errors } });
        const m = await rc.db.transaction((tx) => createMember(tx, rc.who, { ...v.value, unitId: req.query.unit }));
        return reply.code(201).send(presentMember(await getMemberRecord(rc.db, m.personId)));
      },
    });
  },
};
