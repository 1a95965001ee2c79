// Publishing and reading: the domain functions of distribution (plain functions taking a `Db`).
//
// Publishing writes one publication row and one row per audience unit, whatever the number of
// members below them. Who a publication reaches is computed, never stored: a member's
// publications are those whose audience units are among the ids of their cell's path; the
// members expected to read one are the members attending the cells below its audience units
// (narrowed by role, exempt members left out when the publisher asked), found in one
// set-based query — the same query counts the rates per unit and lists who has not read.
import { and, asc, desc, eq, inArray, isNull, like, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import { audit, type ActingContext, type AuditAction } from '../core/audit/audit.ts';
import { DomainError, invalid, notFound } from '../core/errors.ts';
import { todayIso, type Locale } from '../core/i18n/i18n.ts';
import { can, isSystemAdmin, reachesAudience, type Actor, type Resource } from '../core/policy/policy.ts';
import { unitResource } from '../core/policy/resources.ts';
import { units, type Unit } from '../org/schema.ts';
import { findUnit, pathIds } from '../org/tree.ts';
import { people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';
import { assertPublishable, loadDocumentResource } from '../documents/documents.ts';
import { distributionMessages } from './messages.ts';
import { notify } from '../core/notify/notify.ts';
import { publicationAudience, publicationMarks, publicationReads, publications, type AudienceRole, type Publication, type Requirement } from './schema.ts';

export type PublicationResource = Extract<Resource, { type: 'publication' }>;
type FieldErrors = Record<string, string>;

export const LIMITS = { title: 300, body: 50_000, audienceUnits: 500, reflection: 20_000, reflectionMin: 20, note: 20_000 } as const;

// --- publishing ---------------------------------------------------------------------------------

export type PublishInput = {
  /** The publishing unit. */
  unitId: number;
  /** A library document, or null with an announcement. */
  documentId: number | null;
  announcement: { title: string; body: string } | null;
  audienceUnitIds: number[];
  audienceRole: AudienceRole;
  requirement: Requirement;
  reflection: boolean;
  /** ISO date (yyyy-mm-dd) or null. */
  dueOn: string | null;
  excludeExempt: boolean;
};

/**
 * What publishing produced, for whoever acts on it next (the notifications feature): the
 * publication, its audience as units (paths included) and, for a document, its urgency.
 * The members it reaches are `audienceRecipients(db, publication.id)`.
 */
export type Published = {
  publication: Publication;
  audience: { role: AudienceRole; units: { id: number; path: string; name: string }[] };
  document: { id: number; number: string | null; subject: string; urgency: 'khan' | 'thuong_khan' | 'hoa_toc' | null } | null;
};

/** A refusal about one or more form fields: the first message, with all of them in `details.errors`. */
export function fieldError(errors: FieldErrors, code: 'invalid' | 'forbidden' = 'invalid', extra: Record<string, unknown> = {}): DomainError {
  const [field, message] = Object.entries(errors)[0]!;
  return new DomainError(code, message, { field, errors, ...extra });
}

/** The checks that need no database: each field's message at once, for the form to show. */
export function checkPublishInput(input: PublishInput, locale: Locale = 'vi', today = todayIso()): FieldErrors {
  const m = distributionMessages(locale).errors;
  const errors: FieldErrors = {};
  if (input.documentId == null && !input.announcement) errors.what = m.what;
  if (input.announcement) {
    const title = input.announcement.title.trim();
    const body = input.announcement.body.trim();
    if (!title) errors.title = m.title;
    else if (title.length > LIMITS.title) errors.title = m.titleLong(LIMITS.title);
    if (!body) errors.body = m.body;
    else if (body.length > LIMITS.body) errors.body = m.bodyLong(LIMITS.body);
  }
  if (input.audienceUnitIds.length === 0) errors.audience = m.audienceEmpty;
  else if (new Set(input.audienceUnitIds).size > LIMITS.audienceUnits) errors.audience = m.audienceTooMany(LIMITS.audienceUnits);
  if (input.reflection && input.requirement !== 'study') errors.reflection = m.reflectionNeedsStudy;
  if (input.dueOn != null) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueOn)) errors.dueOn = m.dueDate;
    else if (input.dueOn < today) errors.dueOn = m.duePast;
    else if (input.requirement === 'none') errors.dueOn = m.dueNeedsRequirement;
  }
  return errors;
}

/**
 * Publishes a document or an announcement from `input.unitId` to units of its subtree, in one
 * transaction with its audit entry: one publication row and one row per audience unit.
 * Refuses (nothing saved) an empty audience, a unit outside the publisher's tree, a due date in
 * the past, a classified document or one the actor cannot read.
 */
export async function publish(
  db: Db,
  who: ActingContext,
  actor: Actor,
  input: PublishInput,
  /** `notify: false` records a publication without telling anyone (the demo's history, loaded before anyone uses it). */
  opts: { locale?: Locale; today?: string; notify?: boolean } = {},
): Promise<Published> {
  const locale = opts.locale ?? 'vi';
  const m = distributionMessages(locale).errors;
  const errors = checkPublishInput(input, locale, opts.today);
  if (Object.keys(errors).length) throw fieldError(errors);
  return db.transaction(async (tx) => {
    const unit = await findUnit(tx, input.unitId);
    if (!unit) throw notFound('đơn vị');
    if (!can(actor, 'publication.publish', unitResource(unit))) throw new DomainError('forbidden', m.unitOutside);
    if (unit.status !== 'active') throw fieldError({ unit: m.unitClosed });

    const ids = [...new Set(input.audienceUnitIds)];
    const found = await tx.select().from(units).where(inArray(units.id, ids));
    for (const id of ids) if (!found.some((u) => u.id === id)) throw fieldError({ audience: m.audienceUnknown(id) });
    for (const u of found) {
      if (!u.path.startsWith(unit.path)) throw fieldError({ audience: m.audienceOutside(u.name, unit.name) });
      if (u.status !== 'active') throw fieldError({ audience: m.audienceClosed(u.name) });
    }
    // A unit inside another chosen unit adds nothing: keep the outermost ones.
    const audience = found.filter((u) => !found.some((o) => o.id !== u.id && u.path.startsWith(o.path))).sort((a, b) => a.path.localeCompare(b.path));

    let document: Published['document'] = null;
    if (input.documentId != null) {
      const res = await loadDocumentResource(tx, input.documentId);
      if (!res || !can(actor, 'document.view', res)) throw fieldError({ document: m.documentUnknown });
      try {
        await assertPublishable(tx, input.documentId, locale);
      } catch (e) {
        if (e instanceof DomainError && e.details?.code === 'classified') throw fieldError({ document: e.message }, 'forbidden', { code: 'classified' });
        throw e;
      }
      const [d] = await tx.select({ id: documents.id, number: documents.number, subject: documents.subject, urgency: documents.urgency }).from(documents).where(eq(documents.id, input.documentId));
      document = d!;
    }

    const [publication] = await tx
      .insert(publications)
      .values({
        unitId: unit.id,
        documentId: input.documentId,
        title: input.documentId == null ? input.announcement!.title.trim() : null,
        body: input.documentId == null ? input.announcement!.body.trim() : null,
        requirement: input.requirement,
        reflection: input.reflection,
        dueOn: input.dueOn,
        audienceRole: input.audienceRole,
        excludeExempt: input.excludeExempt,
        publishedBy: who.accountId,
      })
      .returning();
    await tx.insert(publicationAudience).values(audience.map((u) => ({ publicationId: publication!.id, unitId: u.id, audienceRole: input.audienceRole })));
    await audit(tx, who, {
      action: 'publication.publish',
      entityType: 'publication',
      entityId: publication!.id,
      unitId: unit.id,
      after: {
        documentId: input.documentId,
        title: publication!.title,
        audience: audience.map((u) => u.id),
        audienceRole: input.audienceRole,
        requirement: input.requirement,
        reflection: input.reflection,
        dueOn: input.dueOn,
        excludeExempt: input.excludeExempt,
      },
    });
    // Tell the audience in this same transaction (src/core/notify, the one event path: the queue
    // fans it out and sends it; HỎA TỐC goes at once on every channel members keep on).
    const ask = input.requirement === 'study' ? 'Đồng chí hãy nghiên cứu và bấm "Tôi đã nghiên cứu".' : input.requirement === 'read' ? 'Đồng chí hãy đọc và bấm "Tôi đã đọc".' : '';
    if (opts.notify !== false) {
      await notify(tx, who, {
        kind: 'publication',
        urgency: document?.urgency ?? null,
        audience: { unitIds: audience.map((u) => u.id), role: input.audienceRole },
        title: document ? [document.number, document.subject].filter(Boolean).join(': ') : publication!.title!,
        body: [`${unit.name} gửi ${document ? 'văn bản' : 'thông báo'} mới.`, ask, input.dueOn ? `Hạn: ${input.dueOn.split('-').reverse().join('/')}.` : ''].filter(Boolean).join(' '),
        link: `/reading/${publication!.id}`,
        unitId: unit.id,
        subject: { type: 'publication', id: publication!.id },
      });
    }
    return { publication: publication!, audience: { role: input.audienceRole, units: audience.map((u) => ({ id: u.id, path: u.path, name: u.name })) }, document };
  });
}

// --- loading ------------------------------------------------------------------------------------

/** The policy's view of a publication: its publishing unit and its audience. */
export async function loadPublicationResource(db: Db, id: number): Promise<PublicationResource | null> {
  const [p] = await db.select({ id: publications.id, role: publications.audienceRole, path: units.path }).from(publications).innerJoin(units, eq(units.id, publications.unitId)).where(eq(publications.id, id));
  if (!p) return null;
  const aud = await db.select({ path: units.path }).from(publicationAudience).innerJoin(units, eq(units.id, publicationAudience.unitId)).where(eq(publicationAudience.publicationId, id));
  return { type: 'publication', id: p.id, unitPath: p.path, audiencePaths: aud.map((a) => a.path), audienceRole: p.role };
}

export type PublicationView = Publication & {
  unitName: string;
  unitPath: string;
  unitDepth: number;
  audience: { id: number; name: string; path: string }[];
  document: {
    id: number;
    number: string | null;
    kind: (typeof documents.$inferSelect)['kind'];
    issuer: string | null;
    issuerUnitId: number | null;
    place: string | null;
    date: string | null;
    urgency: (typeof documents.$inferSelect)['urgency'];
    subject: string;
    signer: string | null;
    signerTitle: string | null;
    recipients: string[];
    copiesTo: string[];
    body: string;
  } | null;
  publishedByName: string | null;
};

export async function getPublication(db: Db, id: number): Promise<PublicationView> {
  const [row] = await db
    .select({ p: publications, unitName: units.name, unitPath: units.path, unitDepth: units.depth })
    .from(publications)
    .innerJoin(units, eq(units.id, publications.unitId))
    .where(eq(publications.id, id));
  if (!row) throw notFound('văn bản');
  const audience = await db
    .select({ id: units.id, name: units.name, path: units.path })
    .from(publicationAudience)
    .innerJoin(units, eq(units.id, publicationAudience.unitId))
    .where(eq(publicationAudience.publicationId, id))
    .orderBy(asc(units.path));
  let document: PublicationView['document'] = null;
  if (row.p.documentId != null) {
    const [d] = await db
      .select({
        id: documents.id,
        number: documents.number,
        kind: documents.kind,
        issuer: documents.issuer,
        issuerUnitId: documents.issuerUnitId,
        place: documents.place,
        date: documents.date,
        urgency: documents.urgency,
        subject: documents.subject,
        signer: documents.signer,
        signerTitle: documents.signerTitle,
        recipients: documents.recipients,
        copiesTo: documents.copiesTo,
        body: documents.body,
      })
      .from(documents)
      .where(eq(documents.id, row.p.documentId));
    document = d ?? null;
  }
  let publishedByName: string | null = null;
  if (row.p.publishedBy != null) {
    const [n] = await queryRows<{ name: string }>(db, sql`select p.full_name as name from accounts a join people p on p.id = a.person_id where a.id = ${row.p.publishedBy}`);
    publishedByName = n?.name ?? null;
  }
  return { ...row.p, unitName: row.unitName, unitPath: row.unitPath, unitDepth: row.unitDepth, audience, document, publishedByName };
}

/** The publication's title as members see it: the document's subject or the announcement's title. */
export const titleOf = (p: { title: string | null; document?: { subject: string } | null; subject?: string | null }) => p.title ?? p.document?.subject ?? p.subject ?? '';

// --- what reaches whom --------------------------------------------------------------------------

/** The ids of the units above (and including) each path: the audience units that would reach it. */
function ancestorIds(paths: (string | null | undefined)[]): number[] {
  return [...new Set(paths.filter((p): p is string => !!p).flatMap(pathIds))];
}

/** The audience keys of an actor: which audience units reach them, per audience role. */
export function audienceKeys(actor: Actor): Record<AudienceRole, number[]> {
  const grantPaths = (roles: string[]) => actor.grants.filter((g) => g.path != null && roles.includes(g.role)).map((g) => g.path);
  return {
    all: actor.membership ? ancestorIds([actor.membership.path, actor.membership.temporaryPath]) : [],
    secretaries: ancestorIds(grantPaths(['cell_secretary', 'cell_deputy'])),
    committee: ancestorIds(grantPaths(['committee_member'])),
  };
}

/** Publication ids reaching the actor, as a subquery (null: none can). An index lookup per audience key. */
export function visibleToActor(db: Db, actor: Actor) {
  const keys = audienceKeys(actor);
  const conds = (Object.entries(keys) as [AudienceRole, number[]][]).filter(([, ids]) => ids.length > 0).map(([role, ids]) => and(eq(publicationAudience.audienceRole, role), inArray(publicationAudience.unitId, ids)));
  if (conds.length === 0) return null;
  return db.selectDistinct({ id: publicationAudience.publicationId }).from(publicationAudience).where(or(...conds));
}

/** Not yet done by the member: not opened (only to see), not confirmed (to read), not studied (to study). */
const pendingSql = sql`(${publicationReads.personId} is null or (${publications.requirement} = 'study' and ${publicationReads.studiedAt} is null))`;

export type MyPublication = {
  id: number;
  unitId: number;
  unitName: string;
  documentId: number | null;
  title: string;
  number: string | null;
  docKind: (typeof documents.$inferSelect)['kind'] | null;
  urgency: (typeof documents.$inferSelect)['urgency'];
  requirement: Requirement;
  reflection: boolean;
  dueOn: string | null;
  publishedAt: Date;
  readAt: Date | null;
  studiedAt: Date | null;
  bookmarked: boolean;
};
export type MyFilter = 'pending' | 'all' | 'saved';

/** The publications that reach a member (newest first), with their reading state and bookmark. */
export async function listMine(db: Db, actor: Actor, opts: { filter?: MyFilter; page?: number; pageSize?: number } = {}): Promise<{ items: MyPublication[]; hasMore: boolean }> {
  const visible = visibleToActor(db, actor);
  if (!visible) return { items: [], hasMore: false };
  const pageSize = opts.pageSize ?? 20;
  const page = Math.max(1, opts.page ?? 1);
  const filter = opts.filter ?? 'all';
  const rows = await db
    .select({
      id: publications.id,
      unitId: publications.unitId,
      unitName: units.name,
      documentId: publications.documentId,
      title: sql<string>`coalesce(${publications.title}, ${documents.subject})`,
      number: documents.number,
      docKind: documents.kind,
      urgency: documents.urgency,
      requirement: publications.requirement,
      reflection: publications.reflection,
      dueOn: publications.dueOn,
      publishedAt: publications.publishedAt,
      readAt: publicationReads.readAt,
      studiedAt: publicationReads.studiedAt,
      bookmarked: sql<boolean>`coalesce(${publicationMarks.bookmarked}, false)`,
    })
    .from(publications)
    .innerJoin(units, eq(units.id, publications.unitId))
    .leftJoin(documents, eq(documents.id, publications.documentId))
    .leftJoin(publicationReads, and(eq(publicationReads.publicationId, publications.id), eq(publicationReads.personId, actor.personId)))
    .leftJoin(publicationMarks, and(eq(publicationMarks.publicationId, publications.id), eq(publicationMarks.personId, actor.personId)))
    .where(and(inArray(publications.id, visible), filter === 'pending' ? pendingSql : filter === 'saved' ? eq(publicationMarks.bookmarked, true) : undefined))
    .orderBy(desc(publications.publishedAt), desc(publications.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize);
  return { items: rows.slice(0, pageSize).map((r) => ({ ...r, bookmarked: !!r.bookmarked })), hasMore: rows.length > pageSize };
}

/** How many publications wait for the member (the home tile's count). */
export async function countPending(db: Db, actor: Actor): Promise<number> {
  const q = pendingCountQuery(db, actor);
  if (!q) return 0;
  const [row] = await q;
  return Number(row?.n ?? 0);
}

/** The statement behind `countPending` (null: nothing can reach the actor); exported for the bench's same-SQL baseline. */
export function pendingCountQuery(db: Db, actor: Actor) {
  const visible = visibleToActor(db, actor);
  if (!visible) return null;
  return db
    .select({ n: sql<number>`count(*)::int` })
    .from(publications)
    .leftJoin(publicationReads, and(eq(publicationReads.publicationId, publications.id), eq(publicationReads.personId, actor.personId)))
    .where(and(inArray(publications.id, visible), pendingSql));
}

export type UnitPublication = { id: number; title: string; number: string | null; docKind: MyPublication['docKind']; urgency: MyPublication['urgency']; unitName: string; requirement: Requirement; dueOn: string | null; publishedAt: Date; announcement: boolean };

/** What reaches every member of a unit (audience "all" on the unit or a unit above it), newest first. */
export async function unitPublications(db: Db, unit: Pick<Unit, 'path'>, opts: { page?: number; pageSize?: number } = {}): Promise<{ items: UnitPublication[]; hasMore: boolean }> {
  const pageSize = opts.pageSize ?? 20;
  const page = Math.max(1, opts.page ?? 1);
  const reaching = db
    .selectDistinct({ id: publicationAudience.publicationId })
    .from(publicationAudience)
    .where(and(eq(publicationAudience.audienceRole, 'all'), inArray(publicationAudience.unitId, pathIds(unit.path))));
  const rows = await db
    .select({
      id: publications.id,
      title: sql<string>`coalesce(${publications.title}, ${documents.subject})`,
      number: documents.number,
      docKind: documents.kind,
      urgency: documents.urgency,
      unitName: units.name,
      requirement: publications.requirement,
      dueOn: publications.dueOn,
      publishedAt: publications.publishedAt,
      announcement: sql<boolean>`${publications.documentId} is null`,
    })
    .from(publications)
    .innerJoin(units, eq(units.id, publications.unitId))
    .leftJoin(documents, eq(documents.id, publications.documentId))
    .where(inArray(publications.id, reaching))
    .orderBy(desc(publications.publishedAt), desc(publications.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize);
  return { items: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}

/** Subtree roots of the units the actor publishes for (null: everywhere, for system administrators). */
export function publisherRoots(actor: Actor): string[] | null {
  if (isSystemAdmin(actor)) return null;
  const paths = [...new Set(actor.grants.filter((g) => g.path != null && ['committee_member', 'office_clerk', 'unit_admin', 'cell_secretary', 'cell_deputy'].includes(g.role)).map((g) => g.path!))];
  return paths.filter((p) => !paths.some((o) => o !== p && p.startsWith(o)));
}

export type PublishedItem = UnitPublication & { unitId: number; audience: string[]; audienceRole: AudienceRole };

/** What the actor's units (and the units below them) have published, newest first. */
export async function listPublished(db: Db, actor: Actor, opts: { page?: number; pageSize?: number } = {}): Promise<{ items: PublishedItem[]; hasMore: boolean }> {
  const roots = publisherRoots(actor);
  if (roots && roots.length === 0) return { items: [], hasMore: false };
  const pageSize = opts.pageSize ?? 20;
  const page = Math.max(1, opts.page ?? 1);
  const rows = await db
    .select({
      id: publications.id,
      unitId: publications.unitId,
      title: sql<string>`coalesce(${publications.title}, ${documents.subject})`,
      number: documents.number,
      docKind: documents.kind,
      urgency: documents.urgency,
      unitName: units.name,
      requirement: publications.requirement,
      dueOn: publications.dueOn,
      publishedAt: publications.publishedAt,
      announcement: sql<boolean>`${publications.documentId} is null`,
      audienceRole: publications.audienceRole,
    })
    .from(publications)
    .innerJoin(units, eq(units.id, publications.unitId))
    .leftJoin(documents, eq(documents.id, publications.documentId))
    .where(roots ? or(...roots.map((r) => like(units.path, `${r}%`))) : undefined)
    .orderBy(desc(publications.publishedAt), desc(publications.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize);
  const items = rows.slice(0, pageSize);
  const aud = items.length
    ? await db
        .select({ publicationId: publicationAudience.publicationId, name: units.name })
        .from(publicationAudience)
        .innerJoin(units, eq(units.id, publicationAudience.unitId))
        .where(inArray(publicationAudience.publicationId, items.map((i) => i.id)))
        .orderBy(asc(units.path))
    : [];
  return { items: items.map((i) => ({ ...i, audience: aud.filter((a) => a.publicationId === i.id).map((a) => a.name) })), hasMore: rows.length > pageSize };
}

// --- who is expected to read ----------------------------------------------------------------------

/** What the expected-readers query needs of a publication: its audience units' paths among it. */
export type PubShape = Pick<Publication, 'id' | 'audienceRole' | 'excludeExempt'> & { audience: { path: string }[] };

/** The publication's shape for the queries below, loaded by id. */
export async function loadPubShape(db: Db, id: number): Promise<PubShape & Pick<Publication, 'requirement' | 'unitId'> & { unitPath: string }> {
  const [p] = await db
    .select({ id: publications.id, audienceRole: publications.audienceRole, excludeExempt: publications.excludeExempt, requirement: publications.requirement, unitId: publications.unitId, unitPath: units.path })
    .from(publications)
    .innerJoin(units, eq(units.id, publications.unitId))
    .where(eq(publications.id, id));
  if (!p) throw notFound('văn bản');
  const audience = await db.select({ path: units.path }).from(publicationAudience).innerJoin(units, eq(units.id, publicationAudience.unitId)).where(eq(publicationAudience.publicationId, id));
  return { ...p, audience };
}

/**
 * The subtrees (path prefixes) where a publication reaches within `within`: an audience unit
 * above `within` gives `within` itself, one inside it gives its own subtree. Computed here so the
 * database sees plain prefix conditions it can use its index on, and estimate.
 */
export function reachPrefixes(audiencePaths: string[], within: string): string[] {
  const out = new Set<string>();
  for (const ap of audiencePaths) {
    if (within.startsWith(ap)) out.add(within);
    else if (ap.startsWith(within)) out.add(ap);
  }
  const list = [...out];
  return list.filter((p) => !list.some((o) => o !== p && p.startsWith(o))).sort();
}

const underAny = (col: SQL, prefixes: string[]) => (prefixes.length ? sql`(${sql.join(prefixes.map((p) => sql`${col} like ${`${p}%`}`), sql` or `)})` : sql`false`);

/**
 * The members a publication expects to read it, within the subtree `within` (a path), as a SQL
 * select of (person_id, path, exempt): `path` is the cell the member attends (active or
 * temporarily attending) or, for an audience narrowed by role, the unit the role is held in.
 * Exempt members are left out when the publisher chose so, unless `includeExempt`.
 */
export function expectedSql(pub: PubShape, within: string, opts: { includeExempt?: boolean } = {}): SQL {
  const prefixes = reachPrefixes(pub.audience.map((a) => a.path), within);
  const skipExempt = pub.excludeExempt && !opts.includeExempt;
  if (pub.audienceRole === 'all') {
    const exempt = skipExempt ? sql` and not m.exempt` : sql``;
    return sql`select m.person_id, cu.path, m.exempt from units cu join members m on m.unit_id = cu.id
        where m.temporary_unit_id is null and m.status in ('active', 'temporarily_transferred') and ${underAny(sql`cu.path`, prefixes)}${exempt}
      union all
      select m.person_id, cu.path, m.exempt from units cu join members m on m.temporary_unit_id = cu.id
        where m.status in ('active', 'temporarily_transferred') and ${underAny(sql`cu.path`, prefixes)}${exempt}`;
  }
  const roles = pub.audienceRole === 'secretaries' ? sql`('cell_secretary', 'cell_deputy')` : sql`('committee_member')`;
  const exempt = skipExempt ? sql` and not coalesce(m.exempt, false)` : sql``;
  return sql`select distinct on (a.person_id) a.person_id, u.path, coalesce(m.exempt, false) as exempt
      from role_assignments ra join accounts a on a.id = ra.account_id join units u on u.id = ra.unit_id
      left join members m on m.person_id = a.person_id
      where ra.revoked_at is null and ra.role in ${roles} and u.status = 'active' and not a.disabled
        and ${underAny(sql`u.path`, prefixes)}
        and (m.person_id is null or m.status in ('active', 'temporarily_transferred'))${exempt}
      order by a.person_id, u.path`;
}

/**
 * Everyone a publication reaches (exempt members included: they see it), with their account,
 * in pages ordered by person id — for notifications. Set-based: one query per page.
 */
export async function audienceRecipients(db: Db, publicationId: number, opts: { afterPersonId?: number; limit?: number } = {}): Promise<{ personId: number; accountId: number | null }[]> {
  const pub = await loadPubShape(db, publicationId);
  return queryRows(
    db,
    sql`select e.person_id::int as "personId", a.id as "accountId" from (${expectedSql(pub, pub.unitPath, { includeExempt: true })}) e
        left join accounts a on a.person_id = e.person_id and not a.disabled
        where e.person_id > ${opts.afterPersonId ?? 0} order by e.person_id limit ${opts.limit ?? 5000}`,
  );
}

export type Counts = { expected: number; read: number; studied: number; inPerson: number };
export type RollupRow = Counts & { unitId: number; name: string; kind: Unit['kind']; path: string; parentId: number | null; depth: number };
const ZERO: Counts = { expected: 0, read: 0, studied: 0, inPerson: 0 };

/** The one grouped statement behind `rollup` (exported for the bench's same-SQL baseline). */
export function rollupSql(pub: PubShape, at: Pick<Unit, 'path' | 'depth'>, levels: number): SQL {
  // Counted per cell first (one hash join of the expected members with the publication's
  // confirmations), then each cell's counts go to every unit of its path below `at`.
  return sql`with e as (${expectedSql(pub, at.path)}),
        c as (select e.path, count(*) as expected, count(r.person_id) as read, count(r.studied_at) as studied, count(r.read_recorded_by) as in_person
              from e left join publication_reads r on r.publication_id = ${pub.id} and r.person_id = e.person_id
              group by e.path)
        select s.unit_id::int as "unitId", sum(c.expected)::int as expected, sum(c.read)::int as read, sum(c.studied)::int as studied, sum(c.in_person)::int as "inPerson"
        from c cross join lateral unnest(string_to_array(trim(both '/' from c.path), '/')::int[]) with ordinality as s(unit_id, lvl)
        where s.lvl between ${at.depth + 1} and ${at.depth + 1 + levels}
        group by s.unit_id`;
}

/**
 * Read and study counts for the unit `at` and its descendants up to `levels` below it, in one
 * grouped query: each expected member counts in every unit of their path below `at`.
 */
export async function rollup(db: Db, pub: PubShape, at: Pick<Unit, 'path' | 'depth'>, levels = 1): Promise<{ total: Counts; rows: RollupRow[] }> {
  const counts = await queryRows<Counts & { unitId: number }>(db, rollupSql(pub, at, levels));
  const atId = pathIds(at.path).at(-1)!;
  const totalRow = counts.find((c) => Number(c.unitId) === atId);
  const total: Counts = totalRow ? pickCounts(totalRow) : { ...ZERO };
  const others = counts.filter((c) => Number(c.unitId) !== atId);
  const meta = others.length
    ? await db.select({ id: units.id, name: units.name, kind: units.kind, path: units.path, parentId: units.parentId, depth: units.depth }).from(units).where(inArray(units.id, others.map((c) => Number(c.unitId))))
    : [];
  const rows = others
    .map((c) => {
      const u = meta.find((x) => x.id === Number(c.unitId))!;
      return { ...pickCounts(c), unitId: u.id, name: u.name, kind: u.kind, path: u.path, parentId: u.parentId, depth: u.depth };
    })
    // One level: by name, the Vietnamese way; the whole tree: parents before their children.
    .sort((a, b) => (levels === 1 ? a.name.localeCompare(b.name, 'vi') : a.path.localeCompare(b.path)));
  return { total, rows };
}

function pickCounts(c: Counts): Counts {
  return { expected: Number(c.expected), read: Number(c.read), studied: Number(c.studied), inPerson: Number(c.inPerson) };
}

export type RosterRow = {
  personId: number;
  fullName: string;
  exempt: boolean;
  /** Counted in the rates (false for exempt members when the publisher left them out). */
  counted: boolean;
  phoneKind: string;
  readAt: Date | null;
  readInPerson: boolean;
  studiedAt: Date | null;
  studyInPerson: boolean;
  reflection: string | null;
  unitName: string;
};

const asDate = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

/** The members a publication reaches at exactly the unit `at` (a cell's members), sorted the Vietnamese way. */
export async function roster(db: Db, pub: PubShape, at: Pick<Unit, 'path'>): Promise<RosterRow[]> {
  return rosterWhere(db, pub, at.path, sql`e.path = ${at.path}`);
}

/** Everyone in the subtree of `at` who has not done what the publication asks (for the export). */
export async function notDoneIn(db: Db, pub: PubShape & { requirement: Requirement }, at: Pick<Unit, 'path'>): Promise<RosterRow[]> {
  const rows = await rosterWhere(db, pub, at.path, pub.requirement === 'study' ? sql`r.studied_at is null` : sql`r.person_id is null`, true);
  return rows.filter((r) => r.counted);
}

async function rosterWhere(db: Db, pub: PubShape, within: string, where: SQL, byUnit = false): Promise<RosterRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select e.person_id::int as "personId", p.full_name as "fullName", e.exempt, p.phone_kind as "phoneKind", u.name as "unitName",
               r.read_at as "readAt", r.read_recorded_by as "readBy", r.studied_at as "studiedAt", r.study_recorded_by as "studyBy", r.reflection
        from (${expectedSql(pub, within, { includeExempt: true })}) e
        join people p on p.id = e.person_id
        join units u on u.path = e.path
        left join publication_reads r on r.publication_id = ${pub.id} and r.person_id = e.person_id
        where ${where}
        order by ${byUnit ? sql`e.path, ` : sql``}p.sort_key, p.id`,
  );
  return rows.map((r) => ({
    personId: Number(r.personId),
    fullName: String(r.fullName),
    exempt: !!r.exempt,
    counted: !(pub.excludeExempt && r.exempt),
    phoneKind: String(r.phoneKind),
    unitName: String(r.unitName),
    readAt: asDate(r.readAt),
    readInPerson: r.readBy != null,
    studiedAt: asDate(r.studiedAt),
    studyInPerson: r.studyBy != null,
    reflection: (r.reflection as string | null) ?? null,
  }));
}

// --- confirmations ------------------------------------------------------------------------------

export type ReadState = { readAt: Date | null; readInPerson: boolean; studiedAt: Date | null; studyInPerson: boolean; reflection: string | null };
export type Confirmation = 'seen' | 'read' | 'study';

export async function readState(db: Db, publicationId: number, personId: number): Promise<ReadState> {
  const [r] = await db.select().from(publicationReads).where(and(eq(publicationReads.publicationId, publicationId), eq(publicationReads.personId, personId)));
  return { readAt: r?.readAt ?? null, readInPerson: r?.readRecordedBy != null, studiedAt: r?.studiedAt ?? null, studyInPerson: r?.studyRecordedBy != null, reflection: r?.reflection ?? null };
}

/**
 * Records one member's reading (and study, and reflection) in the caller's transaction:
 * idempotent — the row is unique per member and publication, a repeat changes nothing and
 * writes no audit entry. `recorder` is the account recording on the member's behalf.
 */
async function applyConfirmation(
  tx: Db,
  who: ActingContext,
  a: { publicationId: number; personId: number; unitId: number | null; kind: Confirmation; reflection: string | null; recorder: number | null; action: AuditAction; at?: Date },
): Promise<string[]> {
  const now = a.at ?? new Date();
  const pk = and(eq(publicationReads.publicationId, a.publicationId), eq(publicationReads.personId, a.personId));
  const changed: string[] = [];
  const inserted = await tx.insert(publicationReads).values({ publicationId: a.publicationId, personId: a.personId, readAt: now, readRecordedBy: a.recorder }).onConflictDoNothing().returning({ id: publicationReads.personId });
  if (inserted.length) changed.push(a.kind === 'seen' ? 'seen' : 'read');
  if (a.kind === 'study') {
    const up = await tx.update(publicationReads).set({ studiedAt: now, studyRecordedBy: a.recorder }).where(and(pk, isNull(publicationReads.studiedAt))).returning({ id: publicationReads.personId });
    if (up.length) changed.push('study');
  }
  if (a.reflection) {
    const up = await tx
      .update(publicationReads)
      .set({ reflection: a.reflection, reflectionAt: now })
      .where(and(pk, or(isNull(publicationReads.reflection), ne(publicationReads.reflection, a.reflection))))
      .returning({ id: publicationReads.personId });
    if (up.length) changed.push('reflection');
  }
  if (changed.length) {
    await audit(tx, who, {
      action: a.action,
      entityType: 'publication',
      entityId: a.publicationId,
      unitId: a.unitId,
      after: { personId: a.personId, changed, ...(a.reflection ? { reflectionChars: a.reflection.length } : {}) },
      onBehalfOfPersonId: a.recorder != null ? a.personId : null,
    });
  }
  return changed;
}

/**
 * A member confirms, for themselves: "Tôi đã đọc" (`read`), "Tôi đã nghiên cứu" (`study`, with
 * the reflection when the publisher asked for one), or — opening a publication that only asks
 * to be seen — `seen`. Repeats are harmless.
 */
export async function confirm(
  db: Db,
  who: ActingContext,
  actor: Actor,
  publicationId: number,
  kind: Confirmation,
  reflectionText: string | null = null,
  locale: Locale = 'vi',
  opts: { /** When the member pressed the button, for a confirmation queued offline: kept between the publication's time and now. */ confirmedAt?: Date } = {},
): Promise<{ changed: string[]; state: ReadState }> {
  const m = distributionMessages(locale).errors;
  const res = await loadPublicationResource(db, publicationId);
  if (!res) throw notFound('văn bản');
  if (!reachesAudience(actor, res)) throw new DomainError('forbidden', m.notMember);
  const [pub] = await db.select().from(publications).where(eq(publications.id, publicationId));
  const reflection = reflectionText?.normalize('NFC').trim() || null;
  if ((kind === 'study' || reflection) && pub!.requirement !== 'study') throw fieldError({ reflection: m.notStudy });
  if (reflection && reflection.length > LIMITS.reflection) throw fieldError({ reflection: m.reflectionLong(LIMITS.reflection) });
  if (kind === 'study' && pub!.reflection) {
    const before = await readState(db, publicationId, actor.personId);
    if (!reflection && !before.reflection) throw fieldError({ reflection: m.reflectionShort(LIMITS.reflectionMin) });
    if (reflection && reflection.length < LIMITS.reflectionMin) throw fieldError({ reflection: m.reflectionShort(LIMITS.reflectionMin) });
  }
  if (kind === 'seen' && pub!.requirement !== 'none') return { changed: [], state: await readState(db, publicationId, actor.personId) };
  const unitId = actor.membership ? (actor.membership.temporaryUnitId ?? actor.membership.unitId) : null;
  return db.transaction(async (tx) => {
    const at = opts.confirmedAt ? new Date(Math.min(Date.now(), Math.max(pub!.publishedAt.getTime(), opts.confirmedAt.getTime()))) : undefined;
    const changed = await applyConfirmation(tx, who, { publicationId, personId: actor.personId, unitId, kind, reflection, recorder: null, action: 'publication.confirm', ...(at ? { at } : {}) });
    return { changed, state: await readState(tx, publicationId, actor.personId) };
  });
}

/**
 * A cell's secretary records "disseminated in person" for members of the cell (those without a
 * phone), one or many at once: read — or studied, when the publication asks for study — marked
 * as recorded on behalf, each with an audit entry naming the member (onBehalfOfPersonId).
 * Every person must attend `cellId` and be among those the publication reaches; otherwise
 * nobody is recorded. Returns how many were recorded now and how many had been already.
 */
export async function recordInPerson(db: Db, who: ActingContext, args: { publicationId: number; cellId: number; personIds: number[]; locale?: Locale }): Promise<{ recorded: number; already: number }> {
  const m = distributionMessages(args.locale ?? 'vi').errors;
  const ids = [...new Set(args.personIds)];
  if (ids.length === 0) throw fieldError({ people: m.peopleEmpty });
  return db.transaction(async (tx) => {
    const r = await recordAtCell(tx, who, args.publicationId, args.cellId, ids, { strict: true, m });
    return { recorded: r.recorded, already: r.already };
  });
}

/**
 * For the meetings feature: everyone present at a cell's meeting has had these publications
 * disseminated in person. Those present whom a publication does not reach are skipped; one
 * transaction for all. Returns, per publication, how many were recorded now.
 */
export async function recordDisseminatedAtMeeting(db: Db, who: ActingContext, args: { cellId: number; personIds: number[]; publicationIds: number[]; locale?: Locale }): Promise<{ publicationId: number; recorded: number }[]> {
  const m = distributionMessages(args.locale ?? 'vi').errors;
  const ids = [...new Set(args.personIds)];
  return db.transaction(async (tx) => {
    const out: { publicationId: number; recorded: number }[] = [];
    for (const publicationId of [...new Set(args.publicationIds)]) out.push({ publicationId, recorded: ids.length ? (await recordAtCell(tx, who, publicationId, args.cellId, ids, { strict: false, m })).recorded : 0 });
    return out;
  });
}

async function recordAtCell(tx: Db, who: ActingContext, publicationId: number, cellId: number, ids: number[], o: { strict: boolean; m: ReturnType<typeof distributionMessages>['errors'] }) {
  const cell = await findUnit(tx, cellId);
  if (!cell) throw notFound('chi bộ');
  if (cell.kind !== 'cell') throw invalid(o.m.notCell);
  const pub = await loadPubShape(tx, publicationId);
  const reached = await queryRows<{ personId: number }>(
    tx,
    sql`select e.person_id::int as "personId" from (${expectedSql(pub, cell.path, { includeExempt: true })}) e
        where e.path = ${cell.path} and e.person_id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`,
  );
  const ok = new Set(reached.map((r) => Number(r.personId)));
  if (o.strict && ok.size !== ids.length) throw fieldError({ people: o.m.peopleOutside });
  let recorded = 0;
  let already = 0;
  for (const personId of ids.filter((id) => ok.has(id))) {
    const changed = await applyConfirmation(tx, who, { publicationId, personId, unitId: cell.id, kind: pub.requirement === 'study' ? 'study' : 'read', reflection: null, recorder: who.accountId, action: 'publication.record_in_person' });
    if (changed.length) recorded++;
    else already++;
  }
  return { recorded, already };
}

// --- bookmarks and private notes ---------------------------------------------------------------

export async function getMark(db: Db, personId: number, publicationId: number): Promise<{ bookmarked: boolean; note: string | null }> {
  const [r] = await db.select().from(publicationMarks).where(and(eq(publicationMarks.personId, personId), eq(publicationMarks.publicationId, publicationId)));
  return { bookmarked: r?.bookmarked ?? false, note: r?.note ?? null };
}

/** Sets the member's bookmark and/or private note. The audit entry records the act, never the note's text. */
export async function setMark(db: Db, who: ActingContext, personId: number, publicationId: number, change: { bookmarked?: boolean; note?: string | null }, locale: Locale = 'vi'): Promise<void> {
  const m = distributionMessages(locale).errors;
  const note = change.note === undefined ? undefined : change.note?.normalize('NFC').trim() || null;
  if (note && note.length > LIMITS.note) throw fieldError({ note: m.noteLong(LIMITS.note) });
  await db.transaction(async (tx) => {
    const set = { ...(change.bookmarked !== undefined ? { bookmarked: change.bookmarked } : {}), ...(note !== undefined ? { note } : {}), updatedAt: new Date() };
    await tx
      .insert(publicationMarks)
      .values({ personId, publicationId, bookmarked: change.bookmarked ?? false, note: note ?? null })
      .onConflictDoUpdate({ target: [publicationMarks.personId, publicationMarks.publicationId], set });
    await audit(tx, who, { action: 'publication.mark', entityType: 'publication', entityId: publicationId, after: { personId, ...(change.bookmarked !== undefined ? { bookmarked: change.bookmarked } : {}), ...(note !== undefined ? { noteChars: note?.length ?? 0 } : {}) } });
  });
}

/** The person's name, for messages. */
export async function personName(db: Db, personId: number): Promise<string> {
  const [p] = await db.select({ name: people.fullName }).from(people).where(eq(people.id, personId));
  return p?.name ?? '';
}
