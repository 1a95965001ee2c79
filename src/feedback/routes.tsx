// Routes and pages of feedback: the member's list and form, an item with its history and the
// receiving unit's actions, the unit's inbox, and the committees' counts. Every route is guarded
// by the policy module; an item's resource says whether the asking actor wrote it, so an
// anonymous author finds their item while nobody else learns who wrote it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { and, eq, inArray, isNull, like, lte } from 'drizzle-orm';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { redirectWithFlash, sendAttachment, sendPage } from '../core/http/render.ts';
import { cleanBody, type FieldErrors, type FormValues } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { can } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { formatDate, formatDateTime, todayIso } from '../core/i18n/i18n.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Field, Form, SelectField } from '../core/layout/components.tsx';
import { accounts, roleAssignments } from '../core/auth/schema.ts';
import { getUnit } from '../org/tree.ts';
import { units, type Unit } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { readMultipart, safeFileName } from '../documents/uploads.ts';
import { addUnitSection } from '../org/routes.tsx';
import { TextArea } from '../core/layout/components.tsx';
import { feedbackMessages } from './messages.ts';
import { FEEDBACK_CATEGORIES, FEEDBACK_STATUSES, type FeedbackCategory, type FeedbackItem } from './schema.ts';
import { addressableUnits, answeredCount, attachmentOf, FeedbackFormError, getItem, handle, history, inbox, loadFeedbackResource, mine, sendFeedback, stats, type HistoryEntry, type ListedItem } from './feedback.ts';

const MAX_ID = 2_147_483_647;
/** Any string: a malformed id is simply not found, after the login check. */
const itemParams = z.object({ id: z.string().max(64) });
const unitParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID) });
type ItemP = { id: string };
type UnitP = { id: number };

const fm = (rc: RequestContext) => feedbackMessages(rc.locale);
const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const byItem = (action: 'feedback.view' | 'feedback.handle') => guard(action as 'feedback.view', (req: { params: ItemP }, rc) => loadFeedbackResource(rc.db, req.params.id, rc.actor));
const byUnit = (action: 'feedback.inbox' | 'feedback.stats') => guard(action as 'feedback.inbox', (req: { params: UnitP }, rc) => loadUnitResource(rc.db, req.params.id));

function ItemLine(p: { rc: RequestContext; item: ListedItem; showUnit?: boolean }) {
  const m = fm(p.rc);
  const i = p.item;
  return (
    <li>
      <a href={`/feedback/${i.id}`}>{i.subject}</a>
      <br />
      <span class="tag">{m.categories[i.category]}</span>
      <span class="tag">{m.statuses[i.status]}</span>
      {i.anonymous ? <span class="tag">{m.mine.anonymousTag}</span> : null}
      {i.overdue ? <span class="tag meet-warn">{m.item.overdue}</span> : null} <span class="muted">{m.item.sentLine(formatDate(i.sentOn))}</span>
      {p.showUnit ? <span class="muted"> — {m.mine.to(i.unitName)}</span> : null}
    </li>
  );
}

function MinePage(p: { rc: RequestContext; items: ListedItem[] }) {
  const m = fm(p.rc);
  return (
    <Layout rc={p.rc} title={m.mine.title}>
      <h1>{m.mine.title}</h1>
      {p.rc.actor?.membership ? (
        <p class="actions">
          <a class="button primary" href="/feedback/new">
            {m.mine.new}
          </a>
        </p>
      ) : (
        <p>{m.form.noCell}</p>
      )}
      {p.items.length === 0 ? <p>{m.mine.none}</p> : null}
      <ul class="list">
        {p.items.map((i) => (
          <ItemLine key={i.id} rc={p.rc} item={i} showUnit />
        ))}
      </ul>
    </Layout>
  );
}

function FormPage(p: { rc: RequestContext; targets: Unit[]; values: FormValues; errors?: FieldErrors }) {
  const { rc } = p;
  const m = fm(rc);
  const mb = Math.round(rc.config.maxUploadBytes / 1048576);
  return (
    <Layout rc={rc} title={m.form.title}>
      <Breadcrumbs items={[{ href: '/feedback', label: m.mine.title }, { label: m.form.title }]} />
      <h1>{m.form.title}</h1>
      <ErrorSummary rc={rc} errors={p.errors} labels={{ unitId: m.form.unit, category: m.form.category, subject: m.form.subject, body: m.form.body, file: m.form.file }} />
      {p.targets.length === 0 ? (
        <p>{m.form.noCell}</p>
      ) : (
        <Form rc={rc} action="/feedback" multipart>
          <fieldset class="meet-answer" id="f-unitId">
            <legend>{m.form.unit}</legend>
            {p.errors?.unitId ? <p class="error">{p.errors.unitId}</p> : null}
            {p.targets.map((u, i) => (
              <div class="check" key={u.id}>
                <input type="radio" id={`f-unit-${u.id}`} name="unitId" value={String(u.id)} checked={p.values.unitId ? p.values.unitId === String(u.id) : i === 0} required />
                <label for={`f-unit-${u.id}`}>{u.name}</label>
              </div>
            ))}
          </fieldset>
          <SelectField name="category" label={m.form.category} values={p.values} errors={p.errors} required options={FEEDBACK_CATEGORIES.map((c) => ({ value: c, label: m.categories[c] }))} />
          <Field name="subject" label={m.form.subject} values={p.values} errors={p.errors} required maxLength={300} />
          <TextArea name="body" label={m.form.body} value={p.values.body} errors={p.errors} rows={8} maxLength={10000} required />
          <div class={`field${p.errors?.file ? ' field-error' : ''}`}>
            <label for="f-file">{m.form.file}</label>
            <p class="hint" id="f-file-hint">{`≤ ${mb} MB`}</p>
            {p.errors?.file ? (
              <p class="error" id="f-file-error">
                {p.errors.file}
              </p>
            ) : null}
            <input type="file" id="f-file" name="file" aria-describedby={p.errors?.file ? 'f-file-hint f-file-error' : 'f-file-hint'} />
          </div>
          <div class="check">
            <input type="checkbox" id="f-anonymous" name="anonymous" value="1" checked={p.values.anonymous === '1'} aria-describedby="f-anonymous-hint" />
            <label for="f-anonymous">{m.form.anonymous}</label>
          </div>
          <p class="hint" id="f-anonymous-hint">
            {m.form.anonymousHint}
          </p>
          <button type="submit" class="primary">
            {m.form.send}
          </button>
        </Form>
      )}
    </Layout>
  );
}

type ItemPageProps = {
  rc: RequestContext;
  item: FeedbackItem;
  unit: Unit;
  authorName: string | null;
  originName: string | null;
  handlerName: string | null;
  entries: HistoryEntry[];
  canHandle: boolean;
  leaders: { id: number; name: string }[];
  forwardTargets: Unit[];
  errors?: FieldErrors;
};

function ItemPage(p: ItemPageProps) {
  const { rc, item } = p;
  const m = fm(rc);
  const base = `/feedback/${item.id}`;
  const overdue = (item.status === 'new' || item.status === 'in_progress') && item.dueOn < todayIso();
  return (
    <Layout rc={rc} title={item.subject}>
      <Breadcrumbs items={p.canHandle ? [{ href: `/units/${p.unit.id}/feedback`, label: m.nav.inbox }, { label: item.subject }] : [{ href: '/feedback', label: m.mine.title }, { label: item.subject }]} />
      <h1>{item.subject}</h1>
      <p>
        <span class="tag">{m.categories[item.category]}</span>
        <span class="tag">{m.statuses[item.status]}</span>
        {overdue ? <span class="tag meet-warn">{m.item.overdue}</span> : null}
      </p>
      <ErrorSummary rc={rc} errors={p.errors} />
      <dl class="record">
        <dt>{m.item.from}</dt>
        <dd>{item.anonymous ? m.item.anonymous : (p.authorName ?? '')}</dd>
        {p.originName ? (
          <>
            <dt>{m.item.cell}</dt>
            <dd>{p.originName}</dd>
          </>
        ) : null}
        <dt>{m.item.sentOn}</dt>
        <dd>{formatDate(item.sentOn)}</dd>
        <dt>{m.item.dueOn}</dt>
        <dd>{formatDate(item.dueOn)}</dd>
        <dt>{m.item.holder}</dt>
        <dd>{p.unit.name}</dd>
        {p.canHandle ? (
          <>
            <dt>{m.item.handler}</dt>
            <dd>{p.handlerName ?? m.item.nobody}</dd>
          </>
        ) : null}
      </dl>
      <div class="card">
        <p class="meet-notes">{item.body}</p>
        {item.attachmentName ? (
          <p>
            {m.item.attachment}: <a href={`${base}/attachment`}>{item.attachmentName}</a>
          </p>
        ) : null}
      </div>
      <h2>{m.item.history}</h2>
      {p.entries.length === 0 ? <p>{m.item.noHistory}</p> : null}
      <ol class="list">
        {p.entries.map((e) => (
          <li key={e.id}>
            <strong>{m.events[e.kind]}</strong> — {formatDateTime(e.at)}
            {e.kind === 'forwarded' ? ` (${e.fromName ?? ''} → ${e.toName ?? ''})` : ''}
            {p.canHandle && e.byName ? <span class="muted"> — {e.byName}</span> : null}
            {e.text ? <p class="meet-notes">{e.text}</p> : null}
          </li>
        ))}
      </ol>
      {p.canHandle ? (
        <section aria-labelledby="h-handle">
          <h2 id="h-handle">{m.item.answer}</h2>
          {item.status === 'closed' ? (
            <Form rc={rc} action={`${base}/reopen`}>
              <button type="submit">{m.item.reopen}</button>
            </Form>
          ) : (
            <>
              <Form rc={rc} action={`${base}/answer`}>
                <TextArea name="text" id="f-answer" label={m.item.answerText} rows={5} maxLength={10000} required />
                <button type="submit" class="primary">
                  {m.item.answer}
                </button>
              </Form>
              <Form rc={rc} action={`${base}/assign`}>
                <SelectField name="handlerAccountId" label={m.item.assignTo} value={String(item.handlerAccountId ?? rc.account?.id ?? '')} options={p.leaders.map((l) => ({ value: String(l.id), label: l.name }))} />
                <button type="submit">{m.item.assign}</button>
              </Form>
              {p.forwardTargets.length ? (
                <details>
                  <summary>{m.item.forward}</summary>
                  <Form rc={rc} action={`${base}/forward`}>
                    <SelectField name="toUnitId" label={m.item.forwardTo} options={p.forwardTargets.map((u) => ({ value: String(u.id), label: u.name }))} />
                    <TextArea name="text" id="f-forward-note" label={m.item.forwardNote} rows={2} maxLength={10000} />
                    <button type="submit">{m.item.forward}</button>
                  </Form>
                </details>
              ) : null}
              <details>
                <summary>{m.item.note}</summary>
                <Form rc={rc} action={`${base}/note`}>
                  <TextArea name="text" id="f-note" label={m.item.note} rows={2} maxLength={10000} required />
                  <button type="submit">{m.item.addNote}</button>
                </Form>
              </details>
              <Form rc={rc} action={`${base}/close`}>
                <TextArea name="text" id="f-close-note" label={m.item.closeNote} rows={2} maxLength={10000} />
                <button type="submit">{m.item.close}</button>
              </Form>
            </>
          )}
        </section>
      ) : null}
    </Layout>
  );
}

async function leadersAt(rc: RequestContext, unitId: number) {
  const rows = await rc.db
    .selectDistinct({ id: accounts.id, name: people.fullName })
    .from(roleAssignments)
    .innerJoin(accounts, eq(accounts.id, roleAssignments.accountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(and(eq(roleAssignments.unitId, unitId), inArray(roleAssignments.role, ['cell_secretary', 'cell_deputy', 'committee_member', 'unit_admin']), isNull(roleAssignments.revokedAt)));
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/** Where an item can be forwarded: the party committees above the unit holding it, and the party organisations up to two levels below. */
async function forwardTargets(rc: RequestContext, unit: Unit): Promise<Unit[]> {
  const kinds = ['cell', 'party_subcommittee', 'party_grassroots', 'party_district', 'party_province'];
  const ids = unit.path.split('/').filter(Boolean).map(Number).filter((id) => id !== unit.id);
  const up = ids.length ? await rc.db.select().from(units).where(inArray(units.id, ids)) : [];
  const down = await rc.db
    .select()
    .from(units)
    .where(and(like(units.path, `${unit.path}%`), lte(units.depth, unit.depth + 2), eq(units.status, 'active')))
    .limit(300);
  return [...up.sort((a, b) => b.depth - a.depth), ...down.filter((u) => u.id !== unit.id)].filter((u) => u.tree === 'party' && u.status === 'active' && kinds.includes(u.kind));
}

async function itemPage(rc: RequestContext, id: string, errors?: FieldErrors) {
  const item = (await getItem(rc.db, id))!;
  const res = (await loadFeedbackResource(rc.db, id, rc.actor))!;
  const canHandle = can(rc.actor, 'feedback.handle', res);
  // Those who handle it (now or before) read the whole history; the author reads what concerns them.
  const seesAll = can(rc.actor, 'feedback.view', { ...res, authoredByActor: false });
  const unit = await getUnit(rc.db, item.unitId);
  const name = async (personId: number | null) => (personId == null ? null : ((await rc.db.select({ n: people.fullName }).from(people).where(eq(people.id, personId)))[0]?.n ?? null));
  const handlerName = item.handlerAccountId ? ((await rc.db.select({ n: people.fullName }).from(accounts).innerJoin(people, eq(people.id, accounts.personId)).where(eq(accounts.id, item.handlerAccountId)))[0]?.n ?? null) : null;
  const origin = item.originUnitId ? (await getUnit(rc.db, item.originUnitId)).name : null;
  return (
    <ItemPage
      rc={rc}
      item={item}
      unit={unit}
      authorName={item.anonymous ? null : await name(item.authorPersonId)}
      originName={origin}
      handlerName={handlerName}
      entries={await history(rc.db, id, { forAuthor: !seesAll })}
      canHandle={canHandle}
      leaders={canHandle ? await leadersAt(rc, unit.id) : []}
      forwardTargets={canHandle ? await forwardTargets(rc, unit) : []}
      {...(errors ? { errors } : {})}
    />
  );
}

export function feedbackRoutes(app: FastifyInstance): void {
  const self = guard('home.view', () => ({ type: 'self' as const }));
  const sender = guard('feedback.send', () => ({ type: 'self' as const }));

  defineRoute(app, { method: 'GET', url: '/feedback', access: self, handler: async (_req, reply, rc) => sendPage(reply, <MinePage rc={rc} items={await mine(rc.db, rc.actor!.personId)} />) });
  defineRoute(app, {
    method: 'GET',
    url: '/feedback/new',
    access: sender,
    handler: async (_req, reply, rc) => sendPage(reply, <FormPage rc={rc} targets={await addressableUnits(rc.db, rc.actor!)} values={{ category: 'opinion' }} />),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/feedback',
    access: sender,
    handler: async (req, reply, rc) => {
      const m = fm(rc);
      const mp = await readMultipart(req);
      const field = (k: string) => {
        const v = mp.fields[k];
        return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).normalize('NFC');
      };
      const values: FormValues = { unitId: field('unitId'), category: field('category'), subject: field('subject').trim(), body: field('body').trim(), anonymous: field('anonymous') === '1' ? '1' : '' };
      const targets = await addressableUnits(rc.db, rc.actor!);
      const fail = (errors: FieldErrors, status = 422) => sendPage(reply, <FormPage rc={rc} targets={targets} values={values} errors={errors} />, status);
      if (mp.tooLarge.length) return fail({ file: m.errors.fileTooLarge(Math.round(rc.config.maxUploadBytes / 1048576)) }, 413);
      const file = mp.files.find((f) => f.field === 'file');
      try {
        const id = await rc.db.transaction((tx) =>
          sendFeedback(
            tx,
            rc.who,
            rc.actor!,
            {
              unitId: Number(values.unitId) || 0,
              category: values.category as FeedbackCategory,
              subject: values.subject!,
              body: values.body!,
              anonymous: values.anonymous === '1',
              attachment: file ? { fileName: safeFileName(file.fileName), mime: 'application/octet-stream', content: file.bytes } : null,
            },
            rc.locale,
          ),
        );
        return redirectWithFlash(reply, `/feedback/${id}`, values.anonymous === '1' ? m.form.sentAnonymous : m.form.sent);
      } catch (e) {
        if (e instanceof FeedbackFormError) return fail(e.fields);
        throw e;
      }
    },
  });

  defineRoute<ItemP>(app, { method: 'GET', url: '/feedback/:id', params: itemParams, access: byItem('feedback.view'), handler: async (req, reply, rc) => sendPage(reply, await itemPage(rc, req.params.id)) });
  defineRoute<ItemP>(app, {
    method: 'GET',
    url: '/feedback/:id/attachment',
    params: itemParams,
    access: byItem('feedback.view'),
    handler: async (req, reply, rc) => {
      const f = await attachmentOf(rc.db, req.params.id);
      if (!f) throw new DomainError('not_found', rc.t.errors.notFound);
      return sendAttachment(reply, { name: f.name ?? 'tep', type: 'application/octet-stream', body: f.content ?? '' });
    },
  });
  for (const step of ['assign', 'answer', 'forward', 'close', 'reopen', 'note'] as const) {
    defineRoute<ItemP>(app, {
      method: 'POST',
      url: `/feedback/:id/${step}`,
      params: itemParams,
      access: byItem('feedback.handle'),
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body);
        const num = (v: unknown) => (/^\d+$/.test(str(v)) ? Number(str(v)) : undefined);
        const input = { text: str(b.text) || null, ...(num(b.toUnitId) ? { toUnitId: num(b.toUnitId)! } : {}), ...(num(b.handlerAccountId) ? { handlerAccountId: num(b.handlerAccountId)! } : {}) };
        try {
          await rc.db.transaction((tx) => handle(tx, rc.who, req.params.id, step, input, rc.locale));
        } catch (e) {
          if (!(e instanceof DomainError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
          return sendPage(reply, await itemPage(rc, req.params.id, { _form: e.message }), e.status);
        }
        // After forwarding, the unit that forwarded may no longer handle it: back to its inbox.
        const res = await loadFeedbackResource(rc.db, req.params.id, rc.actor);
        const back = res && can(rc.actor, 'feedback.view', res) ? `/feedback/${req.params.id}` : '/feedback';
        return redirectWithFlash(reply, back, fm(rc).item.done);
      },
    });
  }

  defineRoute<UnitP, { status?: string }>(app, {
    method: 'GET',
    url: '/units/:id/feedback',
    params: unitParams,
    query: z.object({ status: z.string().max(20).optional() }),
    access: byUnit('feedback.inbox'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const m = fm(rc);
      const status = req.query.status ?? 'open';
      const items = await inbox(rc.db, unit.id, { status });
      const overdue = items.filter((i) => i.overdue).length;
      return sendPage(
        reply,
        <Layout rc={rc} title={m.inbox.title(unit.name)}>
          <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { label: m.nav.inbox }]} />
          <h1>{m.inbox.title(unit.name)}</h1>
          <Form rc={rc} action={`/units/${unit.id}/feedback`} method="get" class="filters">
            <SelectField name="status" label={m.inbox.filter} value={status} options={[{ value: 'open', label: m.inbox.open }, { value: 'all', label: m.inbox.all }, ...FEEDBACK_STATUSES.map((s) => ({ value: s, label: m.statuses[s] }))]} />
            <button type="submit">{m.inbox.filter}</button>
          </Form>
          {overdue ? <p class="notice">{m.inbox.overdueCount(overdue)}</p> : null}
          {items.length === 0 ? <p>{m.inbox.none}</p> : null}
          <ul class="list">
            {items.map((i) => (
              <ItemLine key={i.id} rc={rc} item={i} />
            ))}
          </ul>
          {can(rc.actor, 'feedback.stats', unitResource(unit)) ? (
            <p>
              <a href={`/units/${unit.id}/feedback-stats`}>{m.nav.stats}</a>
            </p>
          ) : null}
        </Layout>,
      );
    },
  });

  defineRoute<UnitP, { year?: number }>(app, {
    method: 'GET',
    url: '/units/:id/feedback-stats',
    params: unitParams,
    query: z.object({ year: z.coerce.number().int().min(2000).max(2200).optional().catch(undefined) }),
    access: byUnit('feedback.stats'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const m = fm(rc);
      const year = req.query.year ?? Number(todayIso().slice(0, 4));
      const rows = await stats(rc.db, unit.path, year);
      const months = [...new Set(rows.map((r) => r.month))];
      const cell = (month: string, category: FeedbackCategory) => rows.filter((r) => r.month === month && r.category === category).reduce((n, r) => n + r.n, 0);
      const byStatus = (s: string) => rows.filter((r) => r.status === s).reduce((n, r) => n + r.n, 0);
      return sendPage(
        reply,
        <Layout rc={rc} title={m.stats.title(unit.name, year)}>
          <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { label: m.nav.stats }]} />
          <h1>{m.stats.title(unit.name, year)}</h1>
          <Form rc={rc} action={`/units/${unit.id}/feedback-stats`} method="get" class="filters">
            <Field name="year" label={m.stats.year} value={String(year)} inputMode="numeric" maxLength={4} />
            <button type="submit">{m.stats.show}</button>
          </Form>
          {rows.length === 0 ? (
            <p>{m.stats.none}</p>
          ) : (
            <>
              <ul>
                {FEEDBACK_STATUSES.map((s) => (
                  <li key={s}>
                    {m.statuses[s]}: {byStatus(s)}
                  </li>
                ))}
                <li>
                  {m.stats.overdue}: {rows.reduce((n, r) => n + r.overdue, 0)}
                </li>
              </ul>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{m.stats.month}</th>
                      {FEEDBACK_CATEGORIES.map((c) => (
                        <th scope="col" key={c}>
                          {m.categories[c]}
                        </th>
                      ))}
                      <th scope="col">{m.stats.total}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {months.map((mo) => (
                      <tr key={mo}>
                        <th scope="row">{`${mo.slice(5, 7)}/${mo.slice(0, 4)}`}</th>
                        {FEEDBACK_CATEGORIES.map((c) => (
                          <td key={c}>{cell(mo, c)}</td>
                        ))}
                        <td>{FEEDBACK_CATEGORIES.reduce((n, c) => n + cell(mo, c), 0)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Layout>,
      );
    },
  });

  // On a party unit's page: links to what reached it, for those who handle it.
  addUnitSection(app, async (rc, unit) => {
    const res = unitResource(unit);
    if (unit.tree !== 'party' || !can(rc.actor, 'feedback.inbox', res)) return null;
    const m = fm(rc);
    const open = (await inbox(rc.db, unit.id, { status: 'open' })).length;
    return (
      <section aria-labelledby="h-unit-feedback">
        <h2 id="h-unit-feedback">{m.nav.inbox}</h2>
        <p>
          <a href={`/units/${unit.id}/feedback`}>{`${m.nav.inbox}: ${open} ${m.inbox.open.toLowerCase()}`}</a>
        </p>
      </section>
    );
  });
}

export const feedbackFeature: Feature = {
  name: 'feedback',
  routes: feedbackRoutes,
  homeTiles: async (rc) => {
    if (!rc.actor?.membership) return [];
    const m = fm(rc);
    const n = await answeredCount(rc.db, rc.actor.personId);
    return [{ href: '/feedback', icon: '✉', label: m.nav.tile, sub: n ? m.nav.tileAnswered(n) : m.nav.tileSub, ...(n ? { count: n } : {}) }];
  },
};
