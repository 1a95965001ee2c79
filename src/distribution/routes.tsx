// Routes of distribution: the member's documents and the reading view, publishing, who has read
// what (with the .xlsx export and "disseminated in person"), what reaches a unit (a section of
// the unit page and its own page), and the JSON API. Every route is guarded by the policy.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard, self } from '../core/http/routes.ts';
import { redirectWithFlash, sendAttachment, sendPage } from '../core/http/render.ts';
import { cleanBody, formValues, type FieldErrors, type FormValues } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { formatDate, formatNumber, parseDate } from '../core/i18n/i18n.ts';
import { queryRows } from '../core/db/client.ts';
import { can, libraryScope, reachesAudience, readingRatesRoots } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { writeXlsx, type Column } from '../core/xlsx/index.ts';
import { units, type Unit } from '../org/schema.ts';
import { documents } from '../documents/schema.ts';
import { estimate, needsConfirmation, type Estimate } from '../core/notify/notify.ts';
import { ancestors, children, getUnit, pathIds } from '../org/tree.ts';
import { addUnitSection } from '../org/routes.tsx';
import { orgMessages } from '../org/messages.ts';
import { documentMessages } from '../documents/messages.ts';
import { getAttachment, listAttachments } from '../documents/documents.ts';
import { visibleSql } from '../documents/search.ts';
import { isPrecache, keepOffline } from '../core/offline/offline.ts';
import { distributionMessages } from './messages.ts';
import { AUDIENCE_ROLES, REQUIREMENTS, type AudienceRole, type Requirement } from './schema.ts';
import {
  audienceKeys,
  checkPublishInput,
  confirm,
  countPending,
  getMark,
  getPublication,
  listMine,
  listPublished,
  loadPublicationResource,
  notDoneIn,
  publish,
  readState,
  recordInPerson,
  rollup,
  roster,
  setMark,
  unitPublications,
  type PublicationResource,
  type PublishInput,
  type ReadState,
  type RollupRow,
} from './publications.ts';
import { MinePage, PublishedPage, PublishFormPage, PublishUnitsPage, RatesPage, ReadingPage, UnitPublicationsPage, UnitSection } from './views.tsx';

const MAX_ID = 2_147_483_647;
const id = z.coerce.number().int().positive().max(MAX_ID);
const idParams = z.object({ id });
const fileParams = z.object({ id, fileId: id });
const unitParams = z.object({ unitId: id });
const blank = (v: unknown) => (v === '' || v == null ? undefined : v);
const pageQ = z.preprocess(blank, z.coerce.number().int().min(1).max(10_000).optional()).catch(undefined);
const mineQuery = z.object({ filter: z.enum(['pending', 'all', 'saved']).catch('pending').default('pending'), page: pageQ });
type MineQuery = z.infer<typeof mineQuery>;
const pageQuery = z.object({ page: pageQ });
const unitQuery = z.object({ unit: z.preprocess(blank, id.optional()).catch(undefined) });
const ratesQuery = unitQuery.extend({ levels: z.preprocess(blank, z.coerce.number().int().min(1).max(3).optional()).catch(undefined).describe('How many levels below the unit (1–3, default 1)') });
const newQuery = z.object({ document: z.preprocess(blank, id.optional()).catch(undefined) });

const byPub = (action: 'publication.read' | 'publication.confirm' | 'publication.rates') => guard(action, (req: { params: { id: number } }, rc) => loadPublicationResource(rc.db, req.params.id));
const byUnit = guard('publication.publish', (req: { params: { unitId: number } }, rc) => loadUnitResource(rc.db, req.params.unitId));

const first = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');
const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

// --- helpers ------------------------------------------------------------------------------------

/** The units the actor may publish for, most general first (unit_admin, committee, office). */
async function publishingUnits(rc: RequestContext): Promise<Unit[]> {
  // Committees, offices and administrators; a cell's secretary and deputy for notices to their cell (the policy decides).
  const ids = [...new Set(rc.actor!.grants.filter((g) => g.unitId != null && ['committee_member', 'office_clerk', 'unit_admin', 'cell_secretary', 'cell_deputy'].includes(g.role)).map((g) => g.unitId!))];
  if (ids.length === 0) return [];
  const rows = await queryRows<{ id: number }>(rc.db, sql`select id from units where id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) and status = 'active' order by path`);
  const list: Unit[] = [];
  for (const r of rows) {
    const u = await getUnit(rc.db, Number(r.id));
    if (can(rc.actor, 'publication.publish', unitResource(u))) list.push(u);
  }
  return list;
}

/** Unclassified library documents the actor can read, newest first (and the one asked for). */
async function publishableDocuments(rc: RequestContext, wanted: number | undefined): Promise<{ id: number; label: string }[]> {
  const scope = libraryScope(rc.actor!);
  const dm = documentMessages(rc.locale);
  const rows = await queryRows<{ id: number; number: string | null; kind: keyof typeof dm.kinds; subject: string; date: string | null }>(
    rc.db,
    sql`select d.id, d.number, d.kind, d.subject, d.date::text as date from documents d join units u on u.id = d.unit_id
        where d.secrecy is null and ${visibleSql({ staff: scope.staff, classified: [] })}
        order by (d.id = ${wanted ?? 0}) desc, d.created_at desc, d.id desc limit 200`,
  );
  return rows.map((d) => ({ id: Number(d.id), label: `${dm.kinds[d.kind]}${d.number ? ` ${d.number}` : ''}${d.date ? ` (${formatDate(d.date)})` : ''} — ${d.subject.length > 120 ? `${d.subject.slice(0, 119)}…` : d.subject}` }));
}

/** Reads the publish form into the domain's input, with the messages for what cannot be read. */
function readPublishForm(rc: RequestContext, unitId: number, body: unknown): { input: PublishInput; errors: FieldErrors; values: FormValues; audience: string[] } {
  const m = distributionMessages(rc.locale).errors;
  const b = cleanBody(body) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const what = first(b.what);
  if (what !== 'document' && what !== 'announcement') errors.what = m.what;
  let documentId: number | null = null;
  if (what === 'document') {
    const n = Number(first(b.document));
    if (Number.isInteger(n) && n > 0 && n <= MAX_ID) documentId = n;
    else errors.document = m.document;
  }
  const chosen = all(b.audience);
  const other = first(b.otherUnits)
    .split(/[\s,;]+/)
    .filter(Boolean);
  const ids: number[] = [];
  for (const s of [...chosen, ...other]) {
    if (!/^\d{1,9}$/.test(s)) errors.audience = m.audienceBadIds;
    else ids.push(Number(s));
  }
  const role = first(b.audienceRole) || 'all';
  if (!AUDIENCE_ROLES.includes(role as AudienceRole)) errors.audienceRole = m.audienceRole;
  const requirement = first(b.requirement);
  if (!REQUIREMENTS.includes(requirement as Requirement)) errors.requirement = m.requirement;
  const dueText = first(b.dueOn);
  const dueOn = dueText ? parseDate(dueText) : null;
  if (dueText && !dueOn) errors.dueOn = m.dueDate;
  const input: PublishInput = {
    unitId,
    documentId,
    announcement: what === 'announcement' ? { title: first(b.title), body: first(b.body) } : null,
    audienceUnitIds: ids,
    audienceRole: (AUDIENCE_ROLES.includes(role as AudienceRole) ? role : 'all') as AudienceRole,
    requirement: (REQUIREMENTS.includes(requirement as Requirement) ? requirement : 'read') as Requirement,
    reflection: first(b.reflection) === 'on',
    dueOn,
    excludeExempt: first(b.excludeExempt) === 'on',
  };
  const more = checkPublishInput(input, rc.locale);
  if (what !== 'document' && what !== 'announcement') delete more.what;
  for (const [k, v] of Object.entries(more)) errors[k] ??= v;
  return { input, errors, values: formValues(body), audience: chosen };
}

async function publishPage(rc: RequestContext, unit: Unit, values: FormValues, audience: string[], errors?: FieldErrors, confirm?: Estimate) {
  const kids = await children(rc.db, unit.id);
  // One level deeper too, so that a province can send to one commune without the rest of its district.
  const grandchildren = new Map<number, Unit[]>();
  for (const k of kids) if (k.kind !== 'cell') grandchildren.set(k.id, await children(rc.db, k.id));
  const wanted = values.document ? Number(values.document) : undefined;
  return <PublishFormPage rc={rc} unit={unit} children={kids} grandchildren={grandchildren} documents={await publishableDocuments(rc, wanted)} values={values} audience={audience} {...(errors ? { errors } : {})} {...(confirm ? { confirm } : {})} />;
}

/**
 * What sending this publication's notice will do, when the sender must confirm it first (an
 * audience of thousands, or any SMS cost): null when no confirmation is needed, or when the
 * audience is not within the publishing unit (publish() refuses that with its own message, and
 * no count of another unit's members is shown).
 */
async function sendEstimate(rc: RequestContext, unit: Unit, input: PublishInput): Promise<Estimate | null> {
  if (input.audienceUnitIds.length === 0) return null;
  const chosen = await rc.db.select({ id: units.id, path: units.path }).from(units).where(inArray(units.id, input.audienceUnitIds));
  if (chosen.length !== new Set(input.audienceUnitIds).size || chosen.some((u) => !u.path.startsWith(unit.path))) return null;
  const [doc] = input.documentId ? await rc.db.select({ urgency: documents.urgency }).from(documents).where(eq(documents.id, input.documentId)) : [];
  const e = await estimate(rc.db, rc.config.notify, { audience: { unitIds: input.audienceUnitIds, role: input.audienceRole, excludeExempt: input.excludeExempt }, urgency: doc?.urgency ?? null, unitId: unit.id });
  return needsConfirmation(e) ? e : null;
}

async function readingPage(rc: RequestContext, pubId: number, extra: { errors?: FieldErrors; values?: FormValues } = {}) {
  const res = (await loadPublicationResource(rc.db, pubId))!;
  const pub = await getPublication(rc.db, pubId);
  const actor = rc.actor!;
  const inAudience = reachesAudience(actor, res);
  return (
    <ReadingPage
      rc={rc}
      pub={pub}
      state={await readState(rc.db, pubId, actor.personId)}
      inAudience={inAudience}
      canSeeRates={can(actor, 'publication.rates', res)}
      mark={inAudience ? await getMark(rc.db, actor.personId, pubId) : { bookmarked: false, note: null }}
      attachments={pub.documentId ? (await listAttachments(rc.db, pub.documentId)).filter((a) => a.role === 'attachment') : []}
      {...extra}
    />
  );
}

/** The unit the rates page is about: asked for, or the actor's widest root; refused outside the actor's roots. */
async function ratesUnit(rc: RequestContext, res: PublicationResource, asked: number | undefined): Promise<{ at: Unit; roots: string[] }> {
  const roots = readingRatesRoots(rc.actor!, res);
  const m = distributionMessages(rc.locale).errors;
  if (asked == null) {
    const [rootId] = pathIds(roots[0]!).slice(-1);
    return { at: await getUnit(rc.db, rootId!), roots };
  }
  const found = await loadUnitResource(rc.db, asked);
  if (!found) throw new DomainError('not_found', rc.t.errors.notFound);
  if (!roots.some((r) => found.path.startsWith(r))) throw new DomainError('forbidden', m.unitOutside);
  return { at: await getUnit(rc.db, asked), roots };
}

async function ratesPage(rc: RequestContext, pubId: number, asked: number | undefined, errors?: FieldErrors) {
  const res = (await loadPublicationResource(rc.db, pubId))!;
  const pub = await getPublication(rc.db, pubId);
  const { at, roots } = await ratesUnit(rc, res, asked);
  const { total, rows } = await rollup(rc.db, pub, at, 1);
  const crumbs = (await ancestors(rc.db, at)).filter((u) => roots.some((r) => u.path.startsWith(r)));
  return (
    <RatesPage
      rc={rc}
      pub={pub}
      at={at}
      crumbs={crumbs}
      total={total}
      rows={rows}
      roster={await roster(rc.db, pub, at)}
      canRecord={at.kind === 'cell' && can(rc.actor, 'publication.record_in_person', unitResource(at))}
      canDrill={(r: RollupRow) => roots.some((root) => r.path.startsWith(root))}
      {...(errors ? { errors } : {})}
    />
  );
}

async function ratesWorkbook(rc: RequestContext, pubId: number, at: Unit): Promise<Buffer> {
  const pub = await getPublication(rc.db, pubId);
  const m = distributionMessages(rc.locale);
  const o = orgMessages(rc.locale);
  const { total, rows } = await rollup(rc.db, pub, at, 50);
  const study = pub.requirement === 'study';
  const pct = (n: number, of: number) => (of === 0 ? null : Math.round((n * 1000) / of) / 10);
  const names = new Map<number, string>([[at.id, at.name], ...rows.map((r) => [r.unitId, r.name] as [number, string])]);
  type Line = { name: string; kind: string; parent: string } & Omit<RollupRow, 'name' | 'kind' | 'path' | 'parentId' | 'depth' | 'unitId'>;
  const lines: Line[] = [
    { name: at.name, kind: o.kinds[at.kind], parent: '', ...total },
    ...rows.map((r) => ({ name: `${'  '.repeat(Math.max(0, r.depth - at.depth - 1))}${r.name}`, kind: o.kinds[r.kind], parent: names.get(r.parentId ?? 0) ?? '', expected: r.expected, read: r.read, studied: r.studied, inPerson: r.inPerson })),
  ];
  const readLabel = pub.requirement === 'none' ? m.rates.seen : m.rates.read;
  const rateCols: Column<Line>[] = [
    { header: m.rates.unit, type: 'text', width: 45, value: (l) => l.name },
    { header: m.rates.level, type: 'text', width: 22, value: (l) => l.kind },
    { header: m.rates.parentUnit, type: 'text', width: 30, value: (l) => l.parent },
    { header: m.rates.expected, type: 'number', value: (l) => l.expected },
    { header: readLabel, type: 'number', value: (l) => l.read },
    { header: `${readLabel} (%)`, type: 'number', value: (l) => pct(l.read, l.expected) },
    ...(study
      ? ([
          { header: m.rates.studied, type: 'number', value: (l) => l.studied },
          { header: `${m.rates.studied} (%)`, type: 'number', value: (l) => pct(l.studied, l.expected) },
        ] as Column<Line>[])
      : []),
    { header: study ? m.rates.notYetStudied : m.rates.notYet, type: 'number', value: (l) => l.expected - (study ? l.studied : l.read) },
    { header: m.rates.inPerson, type: 'number', value: (l) => l.inPerson },
  ];
  const missing = await notDoneIn(rc.db, pub, at);
  const missingCols: Column<(typeof missing)[number]>[] = [
    { header: m.rates.name, type: 'text', width: 30, value: (r) => r.fullName },
    { header: m.rates.unit, type: 'text', width: 40, value: (r) => r.unitName },
    { header: m.rates.status, type: 'text', width: 25, value: (r) => (r.readAt ? m.list.statusToStudy : m.list.statusNew) },
    { header: m.rates.noPhone, type: 'text', width: 18, value: (r) => (r.phoneKind === 'none' ? rc.t.common.yes : '') },
    { header: m.rates.exempt, type: 'text', width: 18, value: (r) => (r.exempt ? rc.t.common.yes : '') },
  ];
  return writeXlsx<never>(
    [
      { name: m.rates.sheetRates, columns: rateCols as Column<never>[], rows: lines as never[] },
      { name: study ? m.rates.notYetStudied : m.rates.sheetNotRead, columns: missingCols as Column<never>[], rows: missing as never[] },
    ],
    { creator: `Sổ tay — ${pub.unitName}` },
  );
}

function stateJson(s: ReadState) {
  return { readAt: s.readAt?.toISOString() ?? null, readInPerson: s.readInPerson, studiedAt: s.studiedAt?.toISOString() ?? null, studyInPerson: s.studyInPerson, reflection: s.reflection };
}

/** Re-renders the reading page with a form's errors, or redirects with the message of a confirmation. */
async function confirmCommand(rc: RequestContext, reply: FastifyReply, pubId: number, body: unknown, run: () => Promise<string>) {
  try {
    return redirectWithFlash(reply, `/reading/${pubId}`, await run());
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
    const errors = (e.details?.errors as FieldErrors | undefined) ?? { _form: e.message };
    return sendPage(reply, await readingPage(rc, pubId, { errors, values: formValues(body) }), 422);
  }
}

// --- API shapes ---------------------------------------------------------------------------------

const urgencyJson = z.enum(['khan', 'thuong_khan', 'hoa_toc']).nullable();
const stateSchema = z.object({ readAt: z.string().nullable(), readInPerson: z.boolean(), studiedAt: z.string().nullable(), studyInPerson: z.boolean(), reflection: z.string().nullable() });
const itemJson = z.object({
  id: z.number(),
  kind: z.enum(['document', 'announcement']),
  title: z.string(),
  documentKind: z.string().nullable(),
  number: z.string().nullable(),
  urgency: urgencyJson,
  unit: z.object({ id: z.number(), name: z.string() }),
  requirement: z.enum(REQUIREMENTS),
  reflection: z.boolean(),
  dueOn: z.string().nullable(),
  publishedAt: z.string(),
  readAt: z.string().nullable(),
  studiedAt: z.string().nullable(),
  bookmarked: z.boolean(),
});
const publicationJson = z.object({
  id: z.number(),
  kind: z.enum(['document', 'announcement']),
  title: z.string(),
  documentId: z.number().nullable(),
  documentKind: z.string().nullable(),
  number: z.string().nullable(),
  issuer: z.string().nullable(),
  date: z.string().nullable(),
  urgency: urgencyJson,
  body: z.string(),
  unit: z.object({ id: z.number(), name: z.string() }),
  audience: z.object({ role: z.enum(AUDIENCE_ROLES), units: z.array(z.object({ id: z.number(), name: z.string() })) }),
  requirement: z.enum(REQUIREMENTS),
  reflection: z.boolean(),
  dueOn: z.string().nullable(),
  excludeExempt: z.boolean(),
  publishedAt: z.string(),
  state: stateSchema.nullable().describe('The caller\'s own reading state; null when the publication does not reach the caller as a reader'),
});
const countsJson = z.object({ expected: z.number(), read: z.number(), studied: z.number(), inPerson: z.number() });
const publishBody = z.object({
  unitId: z.number().int().positive().max(MAX_ID).describe('The publishing unit'),
  documentId: z.number().int().positive().max(MAX_ID).optional().describe('A library document; omit with an announcement'),
  announcement: z.object({ title: z.string().max(1000), body: z.string().max(200_000) }).optional(),
  audienceUnitIds: z.array(z.number().int().positive().max(MAX_ID)).max(2000).describe('Units of the publishing unit\'s subtree; each reaches its whole subtree'),
  audienceRole: z.enum(AUDIENCE_ROLES).default('all'),
  requirement: z.enum(REQUIREMENTS),
  reflection: z.boolean().default(false),
  dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
  excludeExempt: z.boolean().default(false),
  confirm: z.boolean().default(false).describe('Required (true) when the notice goes to 1,000 people or more, or costs SMS: without it the answer is 409 confirmation_required with the count and cost'),
});
type PublishBody = z.infer<typeof publishBody>;
/** When the member confirmed, for a confirmation queued offline and sent later (kept between the publication's time and now). */
const confirmedAt = z.string().datetime({ offset: true }).optional().describe('When the member confirmed, if queued offline (ISO 8601); kept between the publication time and now');
const readBody = z.object({ confirmedAt }).passthrough().optional();
const studyBody = z.object({ reflection: z.string().max(100_000).optional(), confirmedAt }).optional();
const atOf = (b: { confirmedAt?: string | undefined } | undefined) => (b?.confirmedAt ? { confirmedAt: new Date(b.confirmedAt) } : {});
const inPersonBody = z.object({ cellId: z.number().int().positive().max(MAX_ID), personIds: z.array(z.number().int().positive().max(MAX_ID)).max(1000) });
/** At most this many unread, and as many bookmarked, publications are kept for reading offline. */
const OFFLINE_MAX = 30;
const IDEMPOTENT = ' Accepts an Idempotency-Key header: a replay (an offline queue) gets the first answer back and changes nothing.';

async function publicationPayload(rc: RequestContext, pubId: number) {
  const res = (await loadPublicationResource(rc.db, pubId))!;
  const p = await getPublication(rc.db, pubId);
  const d = p.document;
  return {
    id: p.id,
    kind: d ? ('document' as const) : ('announcement' as const),
    title: p.title ?? d?.subject ?? '',
    documentId: p.documentId,
    documentKind: d?.kind ?? null,
    number: d?.number ?? null,
    issuer: d?.issuer ?? null,
    date: d?.date ?? null,
    urgency: d?.urgency ?? null,
    body: d ? d.body : (p.body ?? ''),
    unit: { id: p.unitId, name: p.unitName },
    audience: { role: p.audienceRole, units: p.audience.map((a) => ({ id: a.id, name: a.name })) },
    requirement: p.requirement,
    reflection: p.reflection,
    dueOn: p.dueOn,
    excludeExempt: p.excludeExempt,
    publishedAt: p.publishedAt.toISOString(),
    state: reachesAudience(rc.actor!, res) ? stateJson(await readState(rc.db, pubId, rc.actor!.personId)) : null,
  };
}

// --- the feature --------------------------------------------------------------------------------

export const distributionFeature: Feature = {
  name: 'distribution',
  homeTiles: async (rc) => {
    const a = rc.actor;
    if (!a) return [];
    const keys = audienceKeys(a);
    if (keys.all.length + keys.secretaries.length + keys.committee.length === 0 && !can(a, 'publication.list_published', { type: 'self' })) return [];
    const m = distributionMessages(rc.locale);
    const n = await countPending(rc.db, a);
    return [{ href: '/reading', icon: '📰', label: m.tile.label, sub: m.tile.sub(n), ...(n ? { count: n } : {}) }];
  },
  // Kept on the phone for reading offline: the lists, and the member's own unread and bookmarked publications.
  offlinePages: async (rc) => {
    const a = rc.actor;
    if (!a) return {};
    const [pending, saved] = await Promise.all([listMine(rc.db, a, { filter: 'pending', pageSize: OFFLINE_MAX }), listMine(rc.db, a, { filter: 'saved', pageSize: OFFLINE_MAX })]);
    return { pages: ['/reading', '/reading?filter=saved'], documents: [...new Set([...pending.items, ...saved.items].map((i) => `/reading/${i.id}`))] };
  },
  routes: (app: FastifyInstance) => {
    // The unit page (src/org) shows what reaches the unit.
    addUnitSection(app, async (rc, unit) => {
      if (unit.tree === 'external') return null;
      const { items, hasMore } = await unitPublications(rc.db, unit, { pageSize: 5 });
      const openable = new Set<number>();
      for (const it of items) {
        const res = await loadPublicationResource(rc.db, it.id);
        if (res && can(rc.actor, 'publication.read', res)) openable.add(it.id);
      }
      return <UnitSection rc={rc} unit={unit} items={items} hasMore={hasMore} canOpen={(i) => openable.has(i)} />;
    });

    // The member's documents and the reading view.
    defineRoute<unknown, MineQuery>(app, {
      method: 'GET',
      url: '/reading',
      query: mineQuery,
      access: self(),
      handler: async (req, reply, rc) => {
        const page = req.query.page ?? 1;
        const { items, hasMore } = await listMine(rc.db, rc.actor!, { filter: req.query.filter, page });
        keepOffline(reply, rc);
        return sendPage(reply, <MinePage rc={rc} filter={req.query.filter} page={page} items={items} hasMore={hasMore} pending={await countPending(rc.db, rc.actor!)} canPublish={can(rc.actor, 'publication.list_published', { type: 'self' })} />);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/reading/:id',
      params: idParams,
      access: byPub('publication.read'),
      handler: async (req, reply, rc) => {
        const res = (await loadPublicationResource(rc.db, req.params.id))!;
        // Opening a publication that only asks to be seen is seeing it (the service worker fetching it ahead of time is not).
        if (reachesAudience(rc.actor!, res) && !isPrecache(req.headers)) await confirm(rc.db, rc.who, rc.actor!, req.params.id, 'seen', null, rc.locale);
        keepOffline(reply, rc);
        return sendPage(reply, await readingPage(rc, req.params.id));
      },
    });
    defineRoute<{ id: number; fileId: number }>(app, {
      method: 'GET',
      url: '/reading/:id/files/:fileId',
      params: fileParams,
      access: byPub('publication.read'),
      handler: async (req, reply, rc) => {
        const pub = await getPublication(rc.db, req.params.id);
        if (!pub.documentId) throw new DomainError('not_found', rc.t.errors.notFound);
        const file = await getAttachment(rc.db, pub.documentId, req.params.fileId);
        if (file.role !== 'attachment') throw new DomainError('not_found', rc.t.errors.notFound);
        return sendAttachment(reply, { name: file.fileName, type: file.mime, body: file.content });
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/reading/:id/read',
      params: idParams,
      access: byPub('publication.confirm'),
      handler: async (req, reply, rc) =>
        confirmCommand(rc, reply, req.params.id, req.body, async () => {
          const m = distributionMessages(rc.locale).reading;
          const r = await confirm(rc.db, rc.who, rc.actor!, req.params.id, 'read', null, rc.locale);
          return r.changed.length ? m.readConfirmed : m.alreadyConfirmed;
        }),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/reading/:id/study',
      params: idParams,
      access: byPub('publication.confirm'),
      handler: async (req, reply, rc) =>
        confirmCommand(rc, reply, req.params.id, req.body, async () => {
          const m = distributionMessages(rc.locale).reading;
          const b = cleanBody(req.body) as { reflection?: string };
          const r = await confirm(rc.db, rc.who, rc.actor!, req.params.id, 'study', b.reflection ?? null, rc.locale);
          return r.changed.includes('study') ? m.studyConfirmed : r.changed.includes('reflection') ? m.reflectionUpdated : m.alreadyConfirmed;
        }),
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/reading/:id/bookmark',
      params: idParams,
      access: byPub('publication.confirm'),
      handler: async (req, reply, rc) => {
        const m = distributionMessages(rc.locale).reading;
        const on = first((req.body as Record<string, unknown> | undefined)?.bookmarked) === '1';
        await setMark(rc.db, rc.who, rc.actor!.personId, req.params.id, { bookmarked: on }, rc.locale);
        return redirectWithFlash(reply, `/reading/${req.params.id}`, on ? m.bookmarked : m.unbookmarked);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/reading/:id/note',
      params: idParams,
      access: byPub('publication.confirm'),
      handler: async (req, reply, rc) =>
        confirmCommand(rc, reply, req.params.id, req.body, async () => {
          const b = cleanBody(req.body) as { note?: string };
          await setMark(rc.db, rc.who, rc.actor!.personId, req.params.id, { note: b.note ?? null }, rc.locale);
          return distributionMessages(rc.locale).reading.noteSaved;
        }),
    });

    // Publishing.
    defineRoute<unknown, { page?: number | undefined }>(app, {
      method: 'GET',
      url: '/publications',
      query: pageQuery,
      access: guard('publication.list_published', () => ({ type: 'self' as const })),
      handler: async (req, reply, rc) => {
        const page = req.query.page ?? 1;
        const { items, hasMore } = await listPublished(rc.db, rc.actor!, { page });
        return sendPage(reply, <PublishedPage rc={rc} items={items} page={page} hasMore={hasMore} />);
      },
    });
    defineRoute<unknown, { document?: number | undefined }>(app, {
      method: 'GET',
      url: '/publications/new',
      query: newQuery,
      access: guard('publication.list_published', () => ({ type: 'self' as const })),
      handler: async (req, reply, rc) => {
        const list = await publishingUnits(rc);
        const qs = req.query.document ? `?document=${req.query.document}` : '';
        if (list.length === 1) return reply.redirect(`/publications/new/${list[0]!.id}${qs}`, 303);
        return sendPage(reply, <PublishUnitsPage rc={rc} units={list} documentId={req.query.document ?? null} />);
      },
    });
    defineRoute<{ unitId: number }, { document?: number | undefined }>(app, {
      method: 'GET',
      url: '/publications/new/:unitId',
      params: unitParams,
      query: newQuery,
      access: byUnit,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.unitId);
        const values: FormValues = { audienceRole: 'all', requirement: 'read', ...(req.query.document ? { what: 'document', document: String(req.query.document) } : {}) };
        return sendPage(reply, await publishPage(rc, unit, values, []));
      },
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'POST',
      url: '/publications/new/:unitId',
      params: unitParams,
      access: byUnit,
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.unitId);
        const form = readPublishForm(rc, unit.id, req.body);
        const m = distributionMessages(rc.locale);
        if (Object.keys(form.errors).length) return sendPage(reply, await publishPage(rc, unit, form.values, form.audience, form.errors), 422);
        // Thousands of people, or SMS that cost money: show the count and the cost, and publish only once confirmed.
        const confirm = await sendEstimate(rc, unit, form.input);
        if (confirm && first((req.body as Record<string, unknown>)?.confirmSend) !== 'on') return sendPage(reply, await publishPage(rc, unit, form.values, form.audience, undefined, confirm));
        try {
          const r = await publish(rc.db, rc.who, rc.actor!, form.input, { locale: rc.locale });
          return redirectWithFlash(reply, `/publications/${r.publication.id}`, m.publish.done(r.audience.units.length));
        } catch (e) {
          if (!(e instanceof DomainError) || (e.code !== 'invalid' && e.details?.code !== 'classified')) throw e;
          const errors = (e.details?.errors as FieldErrors | undefined) ?? { _form: e.message };
          return sendPage(reply, await publishPage(rc, unit, form.values, form.audience, errors), e.status);
        }
      },
    });

    // Who has read what.
    defineRoute<{ id: number }, { unit?: number | undefined }>(app, {
      method: 'GET',
      url: '/publications/:id',
      params: idParams,
      query: unitQuery,
      access: byPub('publication.rates'),
      handler: async (req, reply, rc) => sendPage(reply, await ratesPage(rc, req.params.id, req.query.unit)),
    });
    defineRoute<{ id: number }, { unit?: number | undefined }>(app, {
      method: 'GET',
      url: '/publications/:id/export.xlsx',
      params: idParams,
      query: unitQuery,
      access: byPub('publication.rates'),
      handler: async (req, reply, rc) => {
        const res = (await loadPublicationResource(rc.db, req.params.id))!;
        const { at } = await ratesUnit(rc, res, req.query.unit);
        const bytes = await ratesWorkbook(rc, req.params.id, at);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="da-doc-${req.params.id}-${at.id}.xlsx"`)
          .header('cache-control', 'private, no-store')
          .send(bytes);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/publications/:id/in-person',
      params: idParams,
      access: byPub('publication.rates'),
      handler: async (req, reply, rc) => {
        const b = cleanBody(req.body) as Record<string, unknown>;
        const cellId = Number(first(b.cellId));
        const cell = Number.isInteger(cellId) && cellId > 0 && cellId <= MAX_ID ? await loadUnitResource(rc.db, cellId) : null;
        if (!cell) throw new DomainError('not_found', rc.t.errors.notFound);
        if (!can(rc.actor, 'publication.record_in_person', cell)) throw new DomainError('forbidden', rc.t.errors.forbidden);
        const ids = all(b.people).map(Number);
        try {
          if (ids.some((n) => !Number.isInteger(n) || n <= 0 || n > MAX_ID)) throw new DomainError('invalid', distributionMessages(rc.locale).errors.peopleOutside, { errors: { people: distributionMessages(rc.locale).errors.peopleOutside } });
          const r = await recordInPerson(rc.db, rc.who, { publicationId: req.params.id, cellId, personIds: ids, locale: rc.locale });
          return redirectWithFlash(reply, `/publications/${req.params.id}?unit=${cellId}`, distributionMessages(rc.locale).rates.recorded(r.recorded));
        } catch (e) {
          if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
          const errors = (e.details?.errors as FieldErrors | undefined) ?? { people: e.message };
          return sendPage(reply, await ratesPage(rc, req.params.id, cellId, errors), 422);
        }
      },
    });

    // What reaches a unit.
    defineRoute<{ id: number }, { page?: number | undefined }>(app, {
      method: 'GET',
      url: '/units/:id/publications',
      params: idParams,
      query: pageQuery,
      access: guard('unit.view', (req: { params: { id: number } }, rc) => loadUnitResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const unit = await getUnit(rc.db, req.params.id);
        const page = req.query.page ?? 1;
        const { items, hasMore } = await unitPublications(rc.db, unit, { page });
        const openable = new Set<number>();
        for (const it of items) {
          const res = await loadPublicationResource(rc.db, it.id);
          if (res && can(rc.actor, 'publication.read', res)) openable.add(it.id);
        }
        return sendPage(reply, <UnitPublicationsPage rc={rc} unit={unit} items={items} page={page} hasMore={hasMore} canOpen={(i) => openable.has(i)} />);
      },
    });

    // JSON API.
    defineRoute<unknown, MineQuery>(app, {
      method: 'GET',
      url: '/api/v1/publications',
      query: mineQuery,
      access: self(),
      doc: { summary: "The caller's publications (filter: pending | all | saved), newest first", tags: ['publications'], response: { 200: z.object({ publications: z.array(itemJson), hasMore: z.boolean(), pending: z.number() }) } },
      handler: async (req, _reply, rc) => {
        const { items, hasMore } = await listMine(rc.db, rc.actor!, { filter: req.query.filter, page: req.query.page ?? 1 });
        return {
          publications: items.map((i) => ({
            id: i.id,
            kind: i.documentId ? ('document' as const) : ('announcement' as const),
            title: i.title,
            documentKind: i.docKind,
            number: i.number,
            urgency: i.urgency,
            unit: { id: i.unitId, name: i.unitName },
            requirement: i.requirement,
            reflection: i.reflection,
            dueOn: i.dueOn,
            publishedAt: i.publishedAt.toISOString(),
            readAt: i.readAt?.toISOString() ?? null,
            studiedAt: i.studiedAt?.toISOString() ?? null,
            bookmarked: i.bookmarked,
          })),
          hasMore,
          pending: await countPending(rc.db, rc.actor!),
        };
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/api/v1/publications/:id',
      params: idParams,
      access: byPub('publication.read'),
      doc: { summary: 'One publication: its text and the caller\'s reading state', tags: ['publications'], response: { 200: publicationJson } },
      handler: async (req, _reply, rc) => publicationPayload(rc, req.params.id),
    });
    defineRoute<unknown, unknown, PublishBody>(app, {
      method: 'POST',
      url: '/api/v1/publications',
      body: publishBody,
      access: guard('publication.publish', (req: { body: PublishBody }, rc) => loadUnitResource(rc.db, req.body.unitId)),
      doc: { summary: `Publish a library document or an announcement to units of the publishing unit's subtree (refused: classified documents, an empty audience, units outside the subtree, a past due date).${IDEMPOTENT}`, tags: ['publications'], response: { 201: publicationJson } },
      handler: async (req, reply, rc) => {
        const b = req.body;
        const m = distributionMessages(rc.locale).errors;
        if ((b.documentId == null) === (b.announcement == null)) throw new DomainError('invalid', m.what, { field: 'what' });
        const input: PublishInput = {
          unitId: b.unitId,
          documentId: b.documentId ?? null,
          announcement: b.announcement ?? null,
          audienceUnitIds: b.audienceUnitIds,
          audienceRole: b.audienceRole,
          requirement: b.requirement,
          reflection: b.reflection,
          dueOn: b.dueOn ?? null,
          excludeExempt: b.excludeExempt,
        };
        if (!b.confirm) {
          const e = await sendEstimate(rc, await getUnit(rc.db, b.unitId), input);
          if (e) throw new DomainError('conflict', m.confirmSend(formatNumber(e.recipients, rc.locale), formatNumber(e.channels.sms, rc.locale), formatNumber(e.smsCostVnd, rc.locale)), { code: 'confirmation_required', estimate: e });
        }
        const r = await publish(rc.db, rc.who, rc.actor!, input, { locale: rc.locale });
        return reply.code(201).send(await publicationPayload(rc, r.publication.id));
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/api/v1/publications/:id/read',
      params: idParams,
      body: readBody,
      access: byPub('publication.confirm'),
      doc: { summary: `Confirm "I have read it" (once per member: a repeat changes nothing).${IDEMPOTENT}`, tags: ['publications'], response: { 200: z.object({ changed: z.array(z.string()), state: stateSchema }) } },
      handler: async (req, _reply, rc) => {
        const r = await confirm(rc.db, rc.who, rc.actor!, req.params.id, 'read', null, rc.locale, atOf(req.body as z.infer<typeof readBody>));
        return { changed: r.changed, state: stateJson(r.state) };
      },
    });
    defineRoute<{ id: number }, unknown, z.infer<typeof studyBody>>(app, {
      method: 'POST',
      url: '/api/v1/publications/:id/study',
      params: idParams,
      body: studyBody,
      access: byPub('publication.confirm'),
      doc: { summary: `Confirm "I have studied it", with the written reflection when the publisher asked for one (once per member).${IDEMPOTENT}`, tags: ['publications'], response: { 200: z.object({ changed: z.array(z.string()), state: stateSchema }) } },
      handler: async (req, _reply, rc) => {
        const r = await confirm(rc.db, rc.who, rc.actor!, req.params.id, 'study', req.body?.reflection ?? null, rc.locale, atOf(req.body));
        return { changed: r.changed, state: stateJson(r.state) };
      },
    });
    defineRoute<{ id: number }, { unit?: number | undefined; levels?: number | undefined }>(app, {
      method: 'GET',
      url: '/api/v1/publications/:id/rates',
      params: idParams,
      query: ratesQuery,
      access: byPub('publication.rates'),
      doc: {
        summary: 'Read and study counts for a unit of the publisher\'s tree and the units below it, one to three levels down (only members expected to read it), with the names at the unit itself who have not done it',
        tags: ['publications'],
        response: { 200: z.object({ unit: z.object({ id: z.number(), name: z.string() }), total: countsJson, units: z.array(countsJson.extend({ id: z.number(), name: z.string(), parentId: z.number().nullable() })), notDone: z.array(z.object({ personId: z.number(), fullName: z.string() })) }) },
      },
      handler: async (req, _reply, rc) => {
        const res = (await loadPublicationResource(rc.db, req.params.id))!;
        const pub = await getPublication(rc.db, req.params.id);
        const { at } = await ratesUnit(rc, res, req.query.unit);
        const { total, rows } = await rollup(rc.db, pub, at, req.query.levels ?? 1);
        const names = (await roster(rc.db, pub, at)).filter((r) => r.counted && (pub.requirement === 'study' ? !r.studiedAt : !r.readAt));
        return {
          unit: { id: at.id, name: at.name },
          total,
          units: rows.map((r) => ({ id: r.unitId, name: r.name, parentId: r.parentId, expected: r.expected, read: r.read, studied: r.studied, inPerson: r.inPerson })),
          notDone: names.map((r) => ({ personId: r.personId, fullName: r.fullName })),
        };
      },
    });
    defineRoute<{ id: number }, unknown, z.infer<typeof inPersonBody>>(app, {
      method: 'POST',
      url: '/api/v1/publications/:id/in-person',
      params: idParams,
      body: inPersonBody,
      access: byPub('publication.rates'),
      doc: { summary: `Record members of a cell as "disseminated in person" (recorded on their behalf).${IDEMPOTENT}`, tags: ['publications'], response: { 200: z.object({ recorded: z.number(), already: z.number() }) } },
      handler: async (req, _reply, rc) => {
        const cell = await loadUnitResource(rc.db, req.body.cellId);
        if (!cell) throw new DomainError('not_found', rc.t.errors.notFound);
        if (!can(rc.actor, 'publication.record_in_person', cell)) throw new DomainError('forbidden', rc.t.errors.forbidden);
        return recordInPerson(rc.db, rc.who, { publicationId: req.params.id, cellId: req.body.cellId, personIds: req.body.personIds, locale: rc.locale });
      },
    });
  },
};

