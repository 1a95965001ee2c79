import type { RequestContext } from '../core/http/context.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, Checkbox, ErrorSummary, Field, Form, Pager, SelectField } from '../core/layout/components.tsx';
import { formatDate, formatDateTime } from '../core/i18n/i18n.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { can } from '../core/policy/policy.ts';
import type { ActiveGrant } from '../core/auth/accounts.ts';
import type { Account } from '../core/auth/schema.ts';
import { ROLES } from '../core/auth/schema.ts';
import type { Unit } from '../org/schema.ts';
import { unitResource } from '../core/policy/resources.ts';
import { peopleAdminMessages, peopleMessages } from './messages.ts';
import type { MemberListRow, getMemberRecord, memberHistory } from './members.ts';
import { STATUS_CHANGES } from './members.ts';

export function MemberListPage(p: { rc: RequestContext; unit: Unit; rows: MemberListRow[]; q: string; includeFormer: boolean; page: number; hasMore: boolean }) {
  const { rc, unit } = p;
  const m = peopleAdminMessages(rc.locale);
  const f = peopleMessages(rc.locale);
  const res = unitResource(unit);
  const manage = can(rc.actor, 'unit.manage_members', res);
  const qs = (page: number) => `/admin/people?unit=${unit.id}${p.q ? `&q=${encodeURIComponent(p.q)}` : ''}${p.includeFormer ? '&former=1' : ''}&page=${page}`;
  return (
    <Layout rc={rc} title={`${m.title} · ${unit.name}`}>
      <Breadcrumbs items={[{ href: '/admin', label: m.adminTitle }, { href: `/units/${unit.id}`, label: unit.name }, { label: m.title }]} />
      <h1>
        {m.title}: {unit.name}
      </h1>
      <Form rc={rc} action="/admin/people" method="get">
        <input type="hidden" name="unit" value={String(unit.id)} />
        <Field name="q" label={m.search} type="search" value={p.q} />
        <Checkbox name="former" value="1" label={m.includeFormer} checked={p.includeFormer} />
        <button type="submit">{rc.t.common.search}</button>
      </Form>
      {manage ? (
        <p class="actions">
          {unit.kind === 'cell' ? (
            <a class="button primary" href={`/admin/people/new?unit=${unit.id}`}>
              {m.add}
            </a>
          ) : null}
          <a class="button" href={`/admin/people/import?unit=${unit.id}`}>
            {m.import}
          </a>
          <a class="button" href={`/admin/people/export.xlsx?unit=${unit.id}`}>
            {m.exportXlsx}
          </a>
          <a class="button" href={`/admin/people/export.csv?unit=${unit.id}`}>
            {m.exportCsv}
          </a>
        </p>
      ) : null}
      {p.rows.length === 0 ? (
        <p>{m.noResults}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{f.fields.fullName}</th>
                <th scope="col">{f.fields.birthDate}</th>
                <th scope="col">{f.fields.unit}</th>
                <th scope="col">{f.fields.status}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={r.personId}>
                  <td>
                    <a href={`/admin/people/${r.personId}`}>{r.fullName}</a>
                    {r.position ? <div class="muted">{r.position}</div> : null}
                  </td>
                  <td>{formatDate(r.birthDate)}</td>
                  <td>{r.unitName}</td>
                  <td>
                    {f.statuses[r.status]}
                    {r.exempt ? `, ${f.fields.exempt.toLowerCase()}` : ''}
                    {r.standing === 'probationary' ? `, ${f.standings.probationary.toLowerCase()}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager rc={rc} page={p.page} hasMore={p.hasMore} href={qs} />
    </Layout>
  );
}

export function MemberFields(p: { rc: RequestContext; values?: FormValues | Record<string, string | null | undefined>; errors?: FieldErrors }) {
  const f = peopleMessages(p.rc.locale);
  const v = p.values;
  const e = p.errors;
  return (
    <>
      <Field name="fullName" label={f.fields.fullName} required values={v} errors={e} maxLength={100} autocomplete="off" />
      <Field name="birthDate" label={f.fields.birthDate} placeholder="dd/mm/yyyy" values={v} errors={e} />
      <SelectField name="gender" label={f.fields.gender} blank="—" options={[{ value: 'male', label: f.genders.male }, { value: 'female', label: f.genders.female }]} values={v} errors={e} />
      <Field name="phone" label={f.fields.phone} type="tel" inputMode="tel" values={v} errors={e} />
      <SelectField name="phoneKind" label={f.fields.phoneKind} options={(['smartphone', 'basic', 'none'] as const).map((k) => ({ value: k, label: f.phoneKinds[k] }))} values={v} errors={e} />
      <Field name="email" label={f.fields.email} type="email" values={v} errors={e} />
      <Field name="cardNumber" label={f.fields.cardNumber} inputMode="numeric" values={v} errors={e} />
      <Field name="position" label={f.fields.position} values={v} errors={e} maxLength={100} />
      <SelectField name="standing" label={f.fields.standing} options={[{ value: 'official', label: f.standings.official }, { value: 'probationary', label: f.standings.probationary }]} values={v} errors={e} />
      <Field name="joinedOn" label={f.fields.joinedOn} placeholder="dd/mm/yyyy" values={v} errors={e} />
      <Field name="officialOn" label={f.fields.officialOn} placeholder="dd/mm/yyyy" values={v} errors={e} />
      <Checkbox name="exempt" value="1" label={f.fields.exempt} checked={v?.exempt === '1' || v?.exempt === 'true'} />
    </>
  );
}

export function NewMemberPage(p: { rc: RequestContext; unit: Unit; values?: FormValues; errors?: FieldErrors }) {
  const m = peopleAdminMessages(p.rc.locale);
  const f = peopleMessages(p.rc.locale);
  return (
    <Layout rc={p.rc} title={m.add}>
      <Breadcrumbs items={[{ href: '/admin', label: m.adminTitle }, { href: `/admin/people?unit=${p.unit.id}`, label: p.unit.name }, { label: m.add }]} />
      <h1>
        {m.add}: {p.unit.name}
      </h1>
      <ErrorSummary rc={p.rc} errors={p.errors} labels={f.fields} />
      <Form rc={p.rc} action={`/admin/people?unit=${p.unit.id}`}>
        <MemberFields rc={p.rc} values={p.values ?? { standing: 'official', phoneKind: 'smartphone' }} errors={p.errors} />
        <div class="actions">
          <button type="submit" class="primary">
            {p.rc.t.common.save}
          </button>
        </div>
      </Form>
    </Layout>
  );
}

type RecordProps = {
  rc: RequestContext;
  record: Awaited<ReturnType<typeof getMemberRecord>>;
  history: Awaited<ReturnType<typeof memberHistory>>;
  account: Account | undefined;
  grants: ActiveGrant[];
  rights: AccountRights;
  errors?: FieldErrors;
  values?: FormValues;
  section?: string;
  notice?: string;
};

export function recordValues(r: RecordProps['record']): Record<string, string> {
  return {
    fullName: r.person.fullName,
    birthDate: formatDate(r.person.birthDate),
    gender: r.person.gender ?? '',
    phone: r.person.phone ?? '',
    phoneKind: r.person.phoneKind,
    email: r.person.email ?? '',
    cardNumber: r.member.cardNumber ?? '',
    position: r.member.position ?? '',
    standing: r.member.standing,
    joinedOn: formatDate(r.member.joinedOn),
    officialOn: formatDate(r.member.officialOn),
    exempt: r.member.exempt ? '1' : '',
  };
}

export function MemberRecordPage(p: RecordProps) {
  const { rc, record } = p;
  const m = peopleAdminMessages(rc.locale);
  const f = peopleMessages(rc.locale);
  const person = record.person;
  const member = record.member;
  const memberRes = { type: 'member' as const, personId: person.id, unitPath: record.unitPath, temporaryUnitPath: null };
  const canEdit = can(rc.actor, 'member.edit', memberRes);
  const canAccount = can(rc.actor, 'member.manage_account', memberRes);
  const err = (s: string) => (p.section === s ? p.errors : undefined);
  const vals = (s: string) => (p.section === s ? p.values : undefined);
  return (
    <Layout rc={rc} title={person.fullName}>
      <Breadcrumbs items={[{ href: '/admin', label: m.adminTitle }, { href: `/admin/people?unit=${member.unitId}`, label: record.unitName }, { label: person.fullName }]} />
      <h1>{person.fullName}</h1>
      {p.notice ? (
        <div class="notice" role="status">
          {p.notice}
        </div>
      ) : null}
      <h2>{m.record}</h2>
      <dl class="record">
        <dt>{f.fields.birthDate}</dt>
        <dd>{formatDate(person.birthDate) || '—'}</dd>
        <dt>{f.fields.gender}</dt>
        <dd>{person.gender ? f.genders[person.gender] : '—'}</dd>
        <dt>{f.fields.phone}</dt>
        <dd>
          {person.phone ?? '—'} ({f.phoneKinds[person.phoneKind]})
        </dd>
        <dt>{f.fields.email}</dt>
        <dd>{person.email ?? '—'}</dd>
        <dt>{f.fields.unit}</dt>
        <dd>
          <a href={`/units/${member.unitId}`}>{record.unitName}</a>
          {record.temporaryUnitName ? ` → ${record.temporaryUnitName} (${f.statuses.temporarily_transferred.toLowerCase()})` : ''}
        </dd>
        <dt>{f.fields.cardNumber}</dt>
        <dd>{member.cardNumber ?? '—'}</dd>
        <dt>{f.fields.position}</dt>
        <dd>{member.position ?? '—'}</dd>
        <dt>{f.fields.standing}</dt>
        <dd>{f.standings[member.standing]}</dd>
        <dt>{f.fields.joinedOn}</dt>
        <dd>{formatDate(member.joinedOn) || '—'}</dd>
        <dt>{f.fields.officialOn}</dt>
        <dd>{formatDate(member.officialOn) || '—'}</dd>
        <dt>{f.fields.exempt}</dt>
        <dd>{member.exempt ? rc.t.common.yes : rc.t.common.no}</dd>
        <dt>{f.fields.status}</dt>
        <dd>
          {f.statuses[member.status]}
          {member.statusSince ? ` (${formatDate(member.statusSince)})` : ''}
        </dd>
      </dl>

      <h2>{m.history}</h2>
      <ul class="list">
        {p.history.map((h) => (
          <li key={h.event.id}>
            {formatDate(h.event.effectiveOn)} — {eventLabel(rc, h.event.kind)}
            {h.fromName ? ` · ${h.fromName}` : ''}
            {h.toName ? ` → ${h.toName}` : ''}
            {h.event.note ? <div class="muted">{h.event.note}</div> : null}
          </li>
        ))}
      </ul>

      {canEdit ? (
        <details open={p.section === 'edit'}>
          <summary>{m.edit}</summary>
          <ErrorSummary rc={rc} errors={err('edit')} labels={f.fields} />
          <Form rc={rc} action={`/admin/people/${person.id}`}>
            <MemberFields rc={rc} values={vals('edit') ?? recordValues(record)} errors={err('edit')} />
            <button type="submit" class="primary">
              {rc.t.common.save}
            </button>
          </Form>
        </details>
      ) : null}
      {canEdit && member.status !== 'transferred_out' && member.status !== 'deceased' ? (
        <details open={p.section === 'transfer'}>
          <summary>{m.transfer}</summary>
          <ErrorSummary rc={rc} errors={err('transfer')} />
          <Form rc={rc} action={`/admin/people/${person.id}/transfer`}>
            <Field name="toUnitId" label={m.transferTo} hint={m.cellHint} inputMode="numeric" required values={vals('transfer')} errors={err('transfer')} />
            <Checkbox name="temporary" value="1" label={m.transferTemporary} checked={vals('transfer')?.temporary === '1'} />
            <Field name="effectiveOn" label={m.effectiveOn} placeholder="dd/mm/yyyy" required values={vals('transfer')} errors={err('transfer')} />
            <Field name="note" label={m.note} values={vals('transfer')} maxLength={500} />
            <button type="submit">{m.transfer}</button>
          </Form>
        </details>
      ) : null}
      {canEdit ? (
        <details open={p.section === 'status'}>
          <summary>{m.statusChange}</summary>
          <ErrorSummary rc={rc} errors={err('status')} />
          <Form rc={rc} action={`/admin/people/${person.id}/status`}>
            <SelectField name="change" label={m.statusChange} required options={STATUS_CHANGES.map((s) => ({ value: s, label: m.statusChanges[s] }))} values={vals('status')} errors={err('status')} />
            <Field name="effectiveOn" label={m.effectiveOn} placeholder="dd/mm/yyyy" required values={vals('status')} errors={err('status')} />
            <Field name="note" label={m.note} values={vals('status')} maxLength={500} />
            <button type="submit">{rc.t.common.save}</button>
          </Form>
        </details>
      ) : null}

      <h2>{m.account}</h2>
      <AccountSection rc={rc} personId={person.id} account={p.account} grants={p.grants} canCreate={canAccount} rights={p.rights} errors={err('roles')} values={vals('roles')} />
    </Layout>
  );
}

export type AccountRights = { reset: boolean; card: boolean; manage: boolean; grant: boolean };
export const NO_RIGHTS: AccountRights = { reset: false, card: false, manage: false, grant: false };

export function AccountSection(p: { rc: RequestContext; personId: number; account: Account | undefined; grants: ActiveGrant[]; canCreate: boolean; rights: AccountRights; errors?: FieldErrors | undefined; values?: FormValues | undefined }) {
  const { rc, account } = p;
  const m = peopleAdminMessages(rc.locale);
  if (!account) {
    return (
      <>
        <p>{m.noAccount}</p>
        {p.canCreate ? (
          <Form rc={rc} action={`/admin/people/${p.personId}/account`}>
            <button type="submit" class="primary">
              {m.createAccount}
            </button>
          </Form>
        ) : null}
      </>
    );
  }
  return (
    <>
      <p>
        {m.lastLogin}: {account.lastLoginAt ? formatDateTime(account.lastLoginAt) : m.never}
        {account.username ? ` · ${account.username}` : ''}
      </p>
      {account.disabled ? <p class="notice">{m.disabled}</p> : null}
      <div class="actions">
        {p.rights.reset ? (
          <Form rc={rc} action={`/admin/accounts/${account.id}/reset-password`} class="inline" confirm={m.resetConfirm}>
            <button type="submit">{m.resetPassword}</button>
          </Form>
        ) : null}
        {p.rights.card && !account.disabled ? (
          <>
            <Form rc={rc} action={`/admin/accounts/${account.id}/login-card`} class="inline">
              <button type="submit">{m.loginCard}</button>
            </Form>
            <Form rc={rc} action={`/admin/accounts/${account.id}/login-card?format=pdf`} class="inline">
              <button type="submit">{m.loginCardPdf}</button>
            </Form>
          </>
        ) : null}
        {p.rights.manage ? (
          <Form rc={rc} action={`/admin/accounts/${account.id}/${account.disabled ? 'enable' : 'disable'}`} class="inline" {...(account.disabled ? {} : { confirm: m.disable })}>
            <button type="submit" class={account.disabled ? '' : 'danger'}>
              {account.disabled ? m.enable : m.disable}
            </button>
          </Form>
        ) : null}
      </div>
      {p.rights.card ? <p class="hint">{m.loginCardHint}</p> : null}
      <h3>{m.roles}</h3>
      {p.grants.length === 0 ? <p>{m.noRoles}</p> : null}
      <ul class="list">
        {p.grants.map((g) => (
          <li key={g.id}>
            {m.roleNames[g.role]}
            {g.unitName ? ` — ${g.unitName}` : ''}
            {g.role !== 'system_admin' && can(rc.actor, 'role.revoke', { type: 'grant', role: g.role, unitPath: g.unitPath }) ? (
              <Form rc={rc} action={`/admin/accounts/${account.id}/roles/${g.id}/revoke`} class="inline">
                {' '}
                <button type="submit" class="link">
                  {m.revoke}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {p.rights.grant ? (
        <details open={!!p.errors}>
          <summary>{m.grant}</summary>
          <ErrorSummary rc={rc} errors={p.errors} />
          <Form rc={rc} action={`/admin/accounts/${account.id}/roles`}>
            <SelectField name="role" label={m.role} required options={ROLES.filter((r) => r !== 'system_admin').map((r) => ({ value: r, label: m.roleNames[r] }))} values={p.values} errors={p.errors} />
            <Field name="unitId" label={m.unitId} inputMode="numeric" required values={p.values} errors={p.errors} />
            <button type="submit">{m.grant}</button>
          </Form>
        </details>
      ) : null}
    </>
  );
}

const EVENT_LABELS = {
  vi: { created: 'Tạo hồ sơ', imported: 'Nhập từ tệp', became_official: 'Chuyển đảng viên chính thức', transferred: 'Chuyển sinh hoạt', temporary_transfer: 'Chuyển sinh hoạt tạm thời', temporary_return: 'Trở về sau sinh hoạt tạm thời', exempted: 'Miễn sinh hoạt', exemption_ended: 'Thôi miễn sinh hoạt', suspended: 'Đình chỉ sinh hoạt', reinstated: 'Phục hồi sinh hoạt', transferred_out: 'Chuyển ra khỏi đảng bộ', deceased: 'Từ trần', unit_merged: 'Hợp nhất chi bộ', record_updated: 'Cập nhật hồ sơ' },
  en: { created: 'Record created', imported: 'Imported', became_official: 'Became official', transferred: 'Transferred', temporary_transfer: 'Temporary transfer', temporary_return: 'Returned from temporary transfer', exempted: 'Exempted', exemption_ended: 'Exemption ended', suspended: 'Suspended', reinstated: 'Reinstated', transferred_out: 'Transferred out', deceased: 'Deceased', unit_merged: 'Cell merged', record_updated: 'Record updated' },
} as const;

function eventLabel(rc: RequestContext, kind: keyof (typeof EVENT_LABELS)['vi']): string {
  return EVENT_LABELS[rc.locale][kind];
}

export function TemporaryPasswordPage(p: { rc: RequestContext; personId: number; fullName: string; password: string; heading: string; backHref?: string }) {
  const m = peopleAdminMessages(p.rc.locale);
  return (
    <Layout rc={p.rc} title={p.heading}>
      <h1>{p.fullName}</h1>
      <p>{p.heading}</p>
      <p class="card secret">
        <strong>{p.password}</strong>
      </p>
      <p>{m.tempPasswordNote}</p>
      <p>
        <a href={p.backHref ?? `/admin/people/${p.personId}`}>{p.rc.t.common.back}</a>
      </p>
    </Layout>
  );
}

export function LoginCardPage(p: { rc: RequestContext; fullName: string; unitName: string | null; qrSvg: string; expires: string; personId: number; site: string; login: string | null }) {
  const m = peopleAdminMessages(p.rc.locale);
  return (
    <Layout rc={p.rc} title={m.loginCardTitle}>
      <div class="qr-card">
        <h1>{m.loginCardTitle}</h1>
        <p>
          <strong>{p.fullName}</strong>
          {p.unitName ? <div>{p.unitName}</div> : null}
        </p>
        <div dangerouslySetInnerHTML={{ __html: p.qrSvg }} />
        <p>{m.loginCardScan}</p>
        <p class="muted">{m.loginCardValid(p.expires)}</p>
        <p>
          {m.loginCardSite}: <strong>{p.site}</strong>
          {p.login ? (
            <>
              <br />
              {m.loginCardLogin}: <strong>{p.login}</strong>
            </>
          ) : null}
        </p>
      </div>
      <p class="actions no-print">
        <button type="button" class="primary js-only" data-print="">
          {m.loginCardPrint}
        </button>
        <a href={`/admin/people/${p.personId}`}>{p.rc.t.common.back}</a>
      </p>
      <p class="hint no-print">{m.loginCardPrintHint}</p>
    </Layout>
  );
}
