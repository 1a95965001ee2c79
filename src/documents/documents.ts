// Registering an official document: one transaction stores the document, its files, its links
// (citations, supersedes, amends — resolved or left as placeholders), fills in the placeholders
// of earlier documents that were waiting for it, gives it the next number of its register
// (gapless: the counter row is incremented in the same transaction) and writes the audit entry.
// Nothing is half-saved: any failure rolls everything back, the number included.
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { DomainError, invalid, notFound } from '../core/errors.ts';
import type { Locale } from '../core/i18n/i18n.ts';
import { formatDate } from '../core/i18n/i18n.ts';
import type { ResourceFor } from '../core/policy/policy.ts';
import { foldVietnamese } from '../core/text/vietnamese.ts';
import { units, type Unit } from '../org/schema.ts';
import { parseDocumentsWithText } from './parser/index.ts';
import { citationDate, cleanNumber, issuerFold, issuerKey, kindOfNumber, numberIsBlank, numberKey, symbolOf } from './keys.ts';
import { documentMessages } from './messages.ts';
import { documentAttachments, documentLinks, documentUploads, documents, registerEntries, type Direction, type DocumentRow, type LinkKind, type RegisterEntry } from './schema.ts';
import { nextRegisterNumber, yearOf } from './registers.ts';
import type { CorrectableField, DocumentInput } from './validation.ts';

/** The document columns every read needs (the tsvector and the full text stay in the database). */
export const documentColumns = {
  id: documents.id,
  unitId: documents.unitId,
  direction: documents.direction,
  number: documents.number,
  numberKey: documents.numberKey,
  symbol: documents.symbol,
  kind: documents.kind,
  issuer: documents.issuer,
  issuerKey: documents.issuerKey,
  issuerUnitId: documents.issuerUnitId,
  place: documents.place,
  date: documents.date,
  urgency: documents.urgency,
  secrecy: documents.secrecy,
  subject: documents.subject,
  signer: documents.signer,
  signerTitle: documents.signerTitle,
  recipients: documents.recipients,
  copiesTo: documents.copiesTo,
  receivedStamp: documents.receivedStamp,
  body: documents.body,
  citedKeys: documents.citedKeys,
  createdBy: documents.createdBy,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
};
export type DocumentSummary = Omit<DocumentRow, 'search' | 'searchHead' | 'text'>;

export type RegisterResult = { document: DocumentSummary; entry: RegisterEntry; resolvedPlaceholders: number };

/** A duplicate: the same number from the same issuer is already in this unit's register. */
export class DuplicateDocumentError extends DomainError {
  constructor(
    message: string,
    readonly existingId: number,
  ) {
    super('conflict', message, { code: 'duplicate', documentId: existingId });
  }
}

/** Finds the unit an issuer name stands for ("ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC" → UBND tỉnh Bình Phước). */
export async function matchIssuerUnit(db: Db, issuer: string | null): Promise<Unit | null> {
  if (!issuer) return null;
  const wanted = issuerFold(issuer);
  if (wanted.length < 3) return null;
  const plain = foldVietnamese(issuer);
  const candidates = await queryRows<{ id: number }>(
    db,
    sql`select id from units where kind <> 'cell' and (name_fold % ${plain} or name_fold % ${wanted} or name_fold = ${plain}) order by (tree = 'external') desc, status = 'active' desc, id limit 50`,
  );
  if (candidates.length === 0) return null;
  const rows = await db.select().from(units).where(inArray(units.id, candidates.map((c) => Number(c.id))));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const c of candidates) {
    const u = byId.get(Number(c.id));
    if (u && (issuerFold(u.name) === wanted || (u.shortName && issuerFold(u.shortName) === wanted))) return u;
  }
  return null;
}

/** The body the library shows: the parser's body of the (first) document in the text, else the text. */
export function bodyOf(text: string): string {
  try {
    const [first] = parseDocumentsWithText(text);
    if (first && first.body.trim().length > 0) return first.body;
  } catch {
    /* the parser never throws, but a document must be savable whatever happens */
  }
  return text;
}

async function findDuplicate(db: Db, unitId: number, key: string, issuerK: string): Promise<DocumentSummary | undefined> {
  const [row] = await db
    .select(documentColumns)
    .from(documents)
    .where(and(eq(documents.unitId, unitId), eq(documents.numberKey, key), eq(documents.issuerKey, issuerK)));
  return row;
}

function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as { code?: string; constraint?: string; message?: string; cause?: unknown };
  if (err?.code === '23505' && (err.constraint === constraint || String(err.message ?? '').includes(constraint))) return true;
  return err?.cause != null && isUniqueViolation(err.cause, constraint);
}

/**
 * Registers a document in `unitId`'s incoming or outgoing register. Pass a database handle: the
 * whole registration runs in one transaction (a savepoint when given a transaction).
 */
export async function registerDocument(
  db: Db,
  who: ActingContext,
  args: { unitId: number; input: DocumentInput; stagedIds?: string[]; locale?: Locale },
): Promise<RegisterResult> {
  const m = documentMessages(args.locale ?? 'vi').errors;
  const input = args.input;
  try {
    return await db.transaction(async (tx) => {
      const [unit] = await tx.select().from(units).where(eq(units.id, args.unitId));
      if (!unit) throw notFound('đơn vị');
      if (unit.status !== 'active') throw invalid(m.unitClosed);
      if (unit.tree === 'external' || unit.kind === 'cell') throw invalid(m.unitNoRegister);

      const issuer = input.issuer ?? (input.direction === 'outgoing' ? unit.name : null);
      if (!issuer && input.direction === 'incoming') throw invalid(m.issuer, { field: 'issuer' });
      const issuerUnit = await matchIssuerUnit(tx, issuer);
      const iKey = issuerKey(issuer, issuerUnit?.id ?? null);
      let number = input.number ? cleanNumber(input.number) : null;
      let nKey = numberKey(number);

      if (nKey) {
        const dup = await findDuplicate(tx, unit.id, nKey, iKey);
        if (dup) throw new DuplicateDocumentError(m.duplicate(number!, issuer ?? ''), dup.id);
      }

      const citedKeys = [...new Set(input.references.map((r) => numberKey(r)).filter((k): k is string => k != null && k !== nKey))];
      const [doc] = await tx
        .insert(documents)
        .values({
          unitId: unit.id,
          direction: input.direction,
          number,
          numberKey: nKey,
          symbol: number ? symbolOf(number) : null,
          kind: input.kind,
          issuer,
          issuerKey: iKey,
          issuerUnitId: issuerUnit?.id ?? null,
          place: input.place,
          date: input.date,
          urgency: input.urgency,
          secrecy: input.secrecy,
          subject: input.subject,
          signer: input.signer,
          signerTitle: input.signerTitle,
          recipients: input.recipients,
          copiesTo: input.copiesTo,
          receivedStamp: input.receivedStamp,
          text: input.text,
          body: bodyOf(input.text),
          citedKeys: citedKeys.join(' '),
          createdBy: who.accountId,
        })
        .returning({ id: documents.id });
      const id = doc!.id;

      // Files waiting from the intake form move to the document, in SQL (the bytes never come back to Node).
      const staged = (args.stagedIds ?? []).filter((x) => /^[A-Za-z0-9_-]{10,40}$/.test(x));
      if (staged.length > 0 && who.accountId != null) {
        const owned = and(inArray(documentUploads.id, staged), eq(documentUploads.accountId, who.accountId), eq(documentUploads.unitId, unit.id));
        await tx.execute(sql`insert into document_attachments (document_id, role, file_name, mime, size, sha256, content)
          select ${id}, role, file_name, mime, size, sha256, content from document_uploads
          where id in (${sql.join(staged.map((s) => sql`${s}`), sql`, `)}) and account_id = ${who.accountId} and unit_id = ${unit.id}
          order by created_at, id`);
        await tx.delete(documentUploads).where(owned);
      }

      // Links from this document: resolved when the target is already in this unit's library.
      const links: { kind: LinkKind; number: string }[] = [
        ...input.references.map((n) => ({ kind: 'cites' as const, number: n })),
        ...input.supersedes.map((n) => ({ kind: 'supersedes' as const, number: n })),
        ...input.amends.map((n) => ({ kind: 'amends' as const, number: n })),
      ];
      for (const l of links) {
        const key = numberKey(l.number);
        if (!key || key === nKey) continue;
        const targetDate = citationDate(input.text, l.number);
        const target = await resolveTarget(tx, unit.id, key, targetDate, id);
        await tx
          .insert(documentLinks)
          .values({ fromDocumentId: id, kind: l.kind, targetNumber: cleanNumber(l.number), targetKey: key, targetDate, targetKind: kindOfNumber(l.number), toDocumentId: target })
          .onConflictDoNothing();
      }

      // The register number, last: the counter row stays locked for the shortest time.
      const year = yearOf(input.entryDate);
      const seq = await nextRegisterNumber(tx, unit.id, input.direction, year);
      if (input.direction === 'outgoing' && number && numberIsBlank(number)) {
        number = `${seq}${number.replace(/^\s*/, '')}`;
        nKey = numberKey(number);
        if (nKey) {
          const dup = await findDuplicate(tx, unit.id, nKey, iKey);
          if (dup) throw new DuplicateDocumentError(m.duplicate(number, issuer ?? ''), dup.id);
        }
        await tx.update(documents).set({ number, numberKey: nKey, symbol: symbolOf(number) }).where(eq(documents.id, id));
      }
      const resolved = nKey ? await fillPlaceholders(tx, unit.id, id, nKey, input.date) : 0;
      await indexWords(tx, id);

      const [entry] = await tx
        .insert(registerEntries)
        .values({
          unitId: unit.id,
          documentId: id,
          direction: input.direction,
          year,
          seq,
          entryDate: input.entryDate,
          counterpart: input.counterpart ?? (input.direction === 'incoming' ? (issuerUnit?.name ?? issuer) : input.copiesTo.join('; ') || null),
          forwardedTo: input.forwardedTo,
          dueOn: input.dueOn,
          copies: input.copies,
          note: input.note,
          createdBy: who.accountId,
        })
        .returning();
      const classified = input.secrecy != null;
      await audit(tx, who, {
        action: 'document.register',
        entityType: 'document',
        entityId: id,
        unitId: unit.id,
        after: { direction: input.direction, year, seq, number, kind: input.kind, issuer, secrecy: input.secrecy, ...(classified ? {} : { subject: input.subject }), attachments: staged.length, resolvedPlaceholders: resolved },
      });
      const [summary] = await tx.select(documentColumns).from(documents).where(eq(documents.id, id));
      return { document: summary!, entry: entry!, resolvedPlaceholders: resolved };
    });
  } catch (e) {
    // Two clerks saving the same document at once: the unique index decides, the loser is told.
    if (isUniqueViolation(e, 'documents_dedupe_key')) {
      const number = input.number ? cleanNumber(input.number) : '';
      const issuerUnit = await matchIssuerUnit(db, input.issuer);
      const dup = await findDuplicate(db, args.unitId, numberKey(number) ?? '', issuerKey(input.issuer, issuerUnit?.id ?? null));
      throw new DuplicateDocumentError(m.duplicate(number, input.issuer ?? ''), dup?.id ?? 0);
    }
    throw e;
  }
}

/** The document of this unit with this number key (and date, when the citation gives one). */
async function resolveTarget(db: Db, unitId: number, key: string, date: string | null, selfId: number): Promise<number | null> {
  const rows = await db
    .select({ id: documents.id, date: documents.date })
    .from(documents)
    .where(and(eq(documents.unitId, unitId), eq(documents.numberKey, key), sql`${documents.id} <> ${selfId}`))
    .orderBy(desc(documents.id))
    .limit(10);
  const fitting = rows.filter((r) => date == null || r.date == null || r.date === date);
  return fitting.length === 1 ? fitting[0]!.id : (fitting.find((r) => r.date === date)?.id ?? null);
}

/** Placeholders of earlier documents of this unit that were waiting for this number now point to it. */
async function fillPlaceholders(db: Db, unitId: number, id: number, key: string, date: string | null): Promise<number> {
  const rows = await db.execute(sql`update document_links l set to_document_id = ${id}
    from documents f
    where l.from_document_id = f.id and f.unit_id = ${unitId} and l.target_key = ${key} and l.to_document_id is null
      and l.from_document_id <> ${id} and (l.target_date is null or ${date}::date is null or l.target_date = ${date}::date)
    returning l.id`);
  return ((rows as unknown as { rows: unknown[] }).rows ?? []).length;
}

/** Adds the document's words to the vocabulary used for "did you mean" (sorted: no lock-order deadlocks). */
async function indexWords(db: Db, id: number): Promise<void> {
  await db.execute(sql`insert into search_words (word)
    select w from (select distinct unnest(tsvector_to_array(search)) as w from documents where id = ${id}) s
    where w ~ '^[a-z]{2,24}$' order by w
    on conflict (word) do nothing`);
}

export async function getDocument(db: Db, id: number): Promise<DocumentSummary> {
  const [row] = await db.select(documentColumns).from(documents).where(eq(documents.id, id));
  if (!row) throw notFound('văn bản');
  return row;
}

export async function getDocumentText(db: Db, id: number): Promise<string> {
  const [row] = await db.select({ text: documents.text }).from(documents).where(eq(documents.id, id));
  return row?.text ?? '';
}

/** The policy's view of a document: where it is registered, whether it is classified. */
export async function loadDocumentResource(db: Db, id: number): Promise<ResourceFor<'document.view'> | null> {
  const [row] = await db
    .select({ id: documents.id, path: units.path, secrecy: documents.secrecy })
    .from(documents)
    .innerJoin(units, eq(units.id, documents.unitId))
    .where(eq(documents.id, id));
  return row ? { type: 'document', id: row.id, unitPath: row.path, classified: row.secrecy != null } : null;
}

/** Classified documents are registered but never published. The distribution feature calls this before publishing. */
export function isPublishable(doc: Pick<DocumentRow, 'secrecy'>): boolean {
  return doc.secrecy == null;
}

export async function assertPublishable(db: Db, documentId: number, locale: Locale = 'vi'): Promise<void> {
  const doc = await getDocument(db, documentId);
  if (!isPublishable(doc)) throw new DomainError('forbidden', documentMessages(locale).errors.classifiedPublish, { code: 'classified' });
}

export type AttachmentInfo = { id: number; role: 'source' | 'attachment'; fileName: string; mime: string; size: number };

export async function listAttachments(db: Db, documentId: number): Promise<AttachmentInfo[]> {
  return db
    .select({ id: documentAttachments.id, role: documentAttachments.role, fileName: documentAttachments.fileName, mime: documentAttachments.mime, size: documentAttachments.size })
    .from(documentAttachments)
    .where(eq(documentAttachments.documentId, documentId))
    .orderBy(asc(documentAttachments.id));
}

export async function getAttachment(db: Db, documentId: number, attachmentId: number) {
  const [row] = await db
    .select()
    .from(documentAttachments)
    .where(and(eq(documentAttachments.documentId, documentId), eq(documentAttachments.id, attachmentId)));
  if (!row) throw notFound('tệp');
  return row;
}

export type RelatedDoc = { id: number; number: string | null; kind: DocumentRow['kind']; date: string | null; subject: string; secrecy: DocumentRow['secrecy']; unitPath: string };
export type LinkView = { kind: LinkKind; number: string; date: string | null; targetKind: DocumentRow['kind'] | null; target: RelatedDoc | null };
export type Related = { outgoing: LinkView[]; incoming: { kind: LinkKind; from: RelatedDoc }[] };

const targetDocs = alias(documents, 'target_docs');
const targetUnits = alias(units, 'target_units');

/** What a document cites, supersedes or amends (linked or placeholder), and what cites, supersedes or amends it. */
export async function relatedDocuments(db: Db, documentId: number): Promise<Related> {
  const out = await db
    .select({
      kind: documentLinks.kind,
      number: documentLinks.targetNumber,
      date: documentLinks.targetDate,
      targetKind: documentLinks.targetKind,
      tId: targetDocs.id,
      tNumber: targetDocs.number,
      tKind: targetDocs.kind,
      tDate: targetDocs.date,
      tSubject: targetDocs.subject,
      tSecrecy: targetDocs.secrecy,
      tPath: targetUnits.path,
    })
    .from(documentLinks)
    .leftJoin(targetDocs, eq(targetDocs.id, documentLinks.toDocumentId))
    .leftJoin(targetUnits, eq(targetUnits.id, targetDocs.unitId))
    .where(eq(documentLinks.fromDocumentId, documentId))
    .orderBy(asc(documentLinks.id));
  const incoming = await db
    .select({ kind: documentLinks.kind, id: documents.id, number: documents.number, docKind: documents.kind, date: documents.date, subject: documents.subject, secrecy: documents.secrecy, path: units.path })
    .from(documentLinks)
    .innerJoin(documents, eq(documents.id, documentLinks.fromDocumentId))
    .innerJoin(units, eq(units.id, documents.unitId))
    .where(eq(documentLinks.toDocumentId, documentId))
    .orderBy(asc(documents.date), asc(documents.id));
  return {
    outgoing: out.map((r) => ({
      kind: r.kind,
      number: r.number,
      date: r.date,
      targetKind: r.targetKind,
      target: r.tId != null ? { id: r.tId, number: r.tNumber, kind: r.tKind!, date: r.tDate, subject: r.tSubject!, secrecy: r.tSecrecy, unitPath: r.tPath! } : null,
    })),
    incoming: incoming.map((r) => ({ kind: r.kind, from: { id: r.id, number: r.number, kind: r.docKind, date: r.date, subject: r.subject, secrecy: r.secrecy, unitPath: r.path } })),
  };
}

export async function entryOfDocument(db: Db, documentId: number): Promise<RegisterEntry | undefined> {
  const [row] = await db.select().from(registerEntries).where(eq(registerEntries.documentId, documentId));
  return row;
}

/** Marks a register entry handled ("đã xử lý"): the urgent flag at the top of the register goes away. */
export async function markHandled(db: Db, who: ActingContext, documentId: number, locale: Locale = 'vi'): Promise<RegisterEntry> {
  return db.transaction(async (tx) => {
    const entry = await entryOfDocument(tx, documentId);
    if (!entry) throw notFound('mục trong sổ');
    if (entry.handledAt) throw invalid(documentMessages(locale).errors.alreadyHandled);
    const [after] = await tx
      .update(registerEntries)
      .set({ handledAt: new Date(), handledBy: who.accountId })
      .where(and(eq(registerEntries.id, entry.id), isNull(registerEntries.handledAt)))
      .returning();
    if (!after) throw invalid(documentMessages(locale).errors.alreadyHandled);
    await audit(tx, who, { action: 'document.handle', entityType: 'document', entityId: documentId, unitId: entry.unitId, before: { handledAt: null }, after: { handledAt: after.handledAt } });
    return after;
  });
}

export type EntryUpdate = { forwardedTo: string | null; dueOn: string | null; note: string | null; counterpart: string | null };

/** Edits the register columns a clerk fills in after registration (chuyển, hạn xử lý, ghi chú, nơi gửi). */
export async function updateEntry(db: Db, who: ActingContext, documentId: number, input: EntryUpdate, locale: Locale = 'vi'): Promise<RegisterEntry> {
  return db.transaction(async (tx) => {
    const entry = await entryOfDocument(tx, documentId);
    if (!entry) throw notFound('mục trong sổ');
    if (input.dueOn && input.dueOn < entry.entryDate) throw invalid(documentMessages(locale).errors.dueBeforeEntry, { field: 'dueOn' });
    const [after] = await tx.update(registerEntries).set(input).where(eq(registerEntries.id, entry.id)).returning();
    // The audit log is read more widely than a classified document: log that its columns changed, not what they say.
    const [doc] = await tx.select({ secrecy: documents.secrecy }).from(documents).where(eq(documents.id, documentId));
    const classified = doc?.secrecy != null;
    await audit(tx, who, {
      action: 'document.update',
      entityType: 'document',
      entityId: documentId,
      unitId: entry.unitId,
      before: classified ? { dueOn: entry.dueOn } : { forwardedTo: entry.forwardedTo, dueOn: entry.dueOn, note: entry.note, counterpart: entry.counterpart },
      after: classified ? { dueOn: input.dueOn, changed: Object.keys(input).filter((k) => input[k as keyof EntryUpdate] !== entry[k as keyof EntryUpdate]) } : input,
    });
    return after!;
  });
}

export type CorrectionResult = {
  document: DocumentSummary;
  /** The fields that changed (empty: nothing to save, nothing was written). */
  changed: CorrectableField[];
  /** Citations of other documents that pointed here and no longer match (now placeholders, or linked elsewhere). */
  unlinked: number;
  /** Placeholders of other documents that now point here. */
  resolvedPlaceholders: number;
};

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const outgoingCounterpart = (copies: string[]) => copies.filter((c) => !/^lưu\b/iu.test(c)).join('; ') || null;

/**
 * Corrects the header of a registered document (number, kind, issuer, date, urgency, secrecy,
 * subject, signer, recipients, relations, text) in one transaction: the duplicate check runs
 * again, this document's citations are rebuilt, citations of other documents that pointed here
 * by the old number become placeholders again (or link to the document that now has it), and
 * placeholders waiting for the new number link here. The register entry keeps its number and
 * date; a sender taken from the issuer follows the corrected issuer. The audit entry holds the
 * changed fields before and after — for a classified document (before or after), only which
 * fields changed. `expectedUpdatedAt` (the version the clerk's form was made from) refuses to
 * overwrite someone else's correction made in between.
 */
export async function correctDocument(db: Db, who: ActingContext, documentId: number, input: DocumentInput, opts: { expectedUpdatedAt?: string | null; locale?: Locale } = {}): Promise<CorrectionResult> {
  const m = documentMessages(opts.locale ?? 'vi').errors;
  try {
    return await db.transaction(async (tx) => {
      const [old] = await tx
        .select({ ...documentColumns, text: documents.text })
        .from(documents)
        .where(eq(documents.id, documentId))
        .for('update');
      if (!old) throw notFound('văn bản');
      if (opts.expectedUpdatedAt && old.updatedAt.toISOString() !== opts.expectedUpdatedAt) throw new DomainError('conflict', m.staleEdit, { code: 'stale' });
      const [unit] = await tx.select().from(units).where(eq(units.id, old.unitId));

      const issuer = input.issuer ?? (old.direction === 'outgoing' ? unit!.name : null);
      if (!issuer && old.direction === 'incoming') throw invalid(m.issuer, { field: 'issuer' });
      const number = input.number ? cleanNumber(input.number) : null;
      if (number && numberIsBlank(number) && number !== old.number) throw invalid(m.numberIncomplete, { field: 'number' });
      const nKey = numberKey(number);
      // An unchanged issuer keeps the unit it was matched to, whatever has been renamed since.
      const issuerUnit = issuer === old.issuer ? (old.issuerUnitId != null ? ((await tx.select().from(units).where(eq(units.id, old.issuerUnitId)))[0] ?? null) : null) : await matchIssuerUnit(tx, issuer);
      const iKey = issuer === old.issuer ? old.issuerKey : issuerKey(issuer, issuerUnit?.id ?? null);

      const oldLinks = await tx.select().from(documentLinks).where(eq(documentLinks.fromDocumentId, documentId)).orderBy(asc(documentLinks.id));
      const linkNumbers = (kind: LinkKind) => oldLinks.filter((l) => l.kind === kind).map((l) => l.targetNumber);
      const keysOf = (list: string[]) => list.map((n) => numberKey(n)).filter((k): k is string => k != null && k !== nKey);
      const newRelations = { references: input.references, supersedes: input.supersedes, amends: input.amends };
      const before: Record<CorrectableField, unknown> = {
        number: old.number, kind: old.kind, issuer: old.issuer, place: old.place, date: old.date, urgency: old.urgency, secrecy: old.secrecy, subject: old.subject,
        signer: old.signer, signerTitle: old.signerTitle, recipients: old.recipients, copiesTo: old.copiesTo,
        references: linkNumbers('cites'), supersedes: linkNumbers('supersedes'), amends: linkNumbers('amends'), text: old.text,
      };
      const after: Record<CorrectableField, unknown> = {
        number, kind: input.kind, issuer, place: input.place, date: input.date, urgency: input.urgency, secrecy: input.secrecy, subject: input.subject,
        signer: input.signer, signerTitle: input.signerTitle, recipients: input.recipients, copiesTo: input.copiesTo, ...newRelations, text: input.text,
      };
      const changed = (Object.keys(before) as CorrectableField[]).filter((k) => {
        const a = before[k];
        const b = after[k];
        if (k === 'references' || k === 'supersedes' || k === 'amends') return !sameList(keysOf(a as string[]), keysOf(b as string[]));
        return Array.isArray(a) ? !sameList(a as string[], b as string[]) : a !== b;
      });
      if (changed.length === 0) return { document: old, changed, unlinked: 0, resolvedPlaceholders: 0 };

      if (nKey && (nKey !== old.numberKey || iKey !== old.issuerKey)) {
        const dup = await findDuplicate(tx, old.unitId, nKey, iKey);
        if (dup && dup.id !== documentId) throw new DuplicateDocumentError(m.duplicate(number!, issuer ?? ''), dup.id);
      }

      const textChanged = changed.includes('text');
      await tx
        .update(documents)
        .set({
          number,
          numberKey: nKey,
          symbol: number ? symbolOf(number) : null,
          kind: input.kind,
          issuer,
          issuerKey: iKey,
          issuerUnitId: issuerUnit?.id ?? null,
          place: input.place,
          date: input.date,
          urgency: input.urgency,
          secrecy: input.secrecy,
          subject: input.subject,
          signer: input.signer,
          signerTitle: input.signerTitle,
          recipients: input.recipients,
          copiesTo: input.copiesTo,
          citedKeys: [...new Set(keysOf(input.references))].join(' '),
          ...(textChanged ? { text: input.text, body: bodyOf(input.text) } : {}),
          updatedAt: new Date(),
        })
        .where(eq(documents.id, documentId));

      // This document's own citations: rebuilt from the corrected lists (dates are read from the text).
      if (textChanged || nKey !== old.numberKey || changed.some((k) => k === 'references' || k === 'supersedes' || k === 'amends')) {
        await tx.delete(documentLinks).where(eq(documentLinks.fromDocumentId, documentId));
        const links: { kind: LinkKind; number: string }[] = [
          ...input.references.map((n) => ({ kind: 'cites' as const, number: n })),
          ...input.supersedes.map((n) => ({ kind: 'supersedes' as const, number: n })),
          ...input.amends.map((n) => ({ kind: 'amends' as const, number: n })),
        ];
        for (const l of links) {
          const key = numberKey(l.number);
          if (!key || key === nKey) continue;
          const targetDate = citationDate(input.text, l.number);
          const target = await resolveTarget(tx, old.unitId, key, targetDate, documentId);
          await tx
            .insert(documentLinks)
            .values({ fromDocumentId: documentId, kind: l.kind, targetNumber: cleanNumber(l.number), targetKey: key, targetDate, targetKind: kindOfNumber(l.number), toDocumentId: target })
            .onConflictDoNothing();
        }
      }

      // Other documents' citations: those that no longer fit this number and date let go of it
      // (and link to the document that now fits, if any); placeholders waiting for it link here.
      let unlinked = 0;
      let resolved = 0;
      if (nKey !== old.numberKey || input.date !== old.date) {
        const stale = await queryRows<{ id: number; from_document_id: number; target_key: string; target_date: string | Date | null; unit_id: number }>(
          tx,
          sql`select l.id, l.from_document_id, l.target_key, l.target_date, f.unit_id from document_links l join documents f on f.id = l.from_document_id
              where l.to_document_id = ${documentId}
                and (${nKey}::text is null or l.target_key <> ${nKey}::text or (l.target_date is not null and ${input.date}::date is not null and l.target_date <> ${input.date}::date))
              order by l.id`,
        );
        for (const l of stale) {
          const date = l.target_date == null ? null : l.target_date instanceof Date ? l.target_date.toISOString().slice(0, 10) : String(l.target_date).slice(0, 10);
          const elsewhere = await resolveTarget(tx, Number(l.unit_id), l.target_key, date, Number(l.from_document_id));
          await tx.update(documentLinks).set({ toDocumentId: elsewhere === documentId ? null : elsewhere }).where(eq(documentLinks.id, Number(l.id)));
          unlinked++;
        }
        if (nKey) resolved = await fillPlaceholders(tx, old.unitId, documentId, nKey, input.date);
      }

      // The register's sender followed the issuer at registration: it follows the corrected issuer too.
      const entry = await entryOfDocument(tx, documentId);
      let counterpart: { before: string | null; after: string | null } | null = null;
      if (entry) {
        let wasDerived: boolean;
        let derived: string | null;
        if (old.direction === 'incoming') {
          const oldIssuerUnit = old.issuerUnitId != null ? (await tx.select({ name: units.name }).from(units).where(eq(units.id, old.issuerUnitId)))[0] : undefined;
          wasDerived = entry.counterpart === (oldIssuerUnit?.name ?? old.issuer) || entry.counterpart === old.issuer;
          derived = issuerUnit?.name ?? issuer;
        } else {
          wasDerived = entry.counterpart === outgoingCounterpart(old.copiesTo) || entry.counterpart === (old.copiesTo.join('; ') || null);
          derived = outgoingCounterpart(input.copiesTo);
        }
        if (wasDerived && derived !== entry.counterpart) {
          await tx.update(registerEntries).set({ counterpart: derived }).where(eq(registerEntries.id, entry.id));
          counterpart = { before: entry.counterpart, after: derived };
        }
      }
      await indexWords(tx, documentId);

      // The audit log is read more widely than a classified document: for one, log which fields changed, never what they say.
      const classified = old.secrecy != null || input.secrecy != null;
      const values = (side: Record<CorrectableField, unknown>) => Object.fromEntries(changed.filter((k) => k !== 'text').map((k) => [k, side[k]]));
      await audit(tx, who, {
        action: 'document.correct',
        entityType: 'document',
        entityId: documentId,
        unitId: old.unitId,
        before: classified ? { secrecy: old.secrecy } : { ...values(before), ...(counterpart ? { counterpart: counterpart.before } : {}) },
        after: classified
          ? { secrecy: input.secrecy, changed, ...(counterpart ? { counterpartChanged: true } : {}), unlinked, resolvedPlaceholders: resolved }
          : { ...values(after), ...(counterpart ? { counterpart: counterpart.after } : {}), changed, unlinked, resolvedPlaceholders: resolved },
      });
      const [summary] = await tx.select(documentColumns).from(documents).where(eq(documents.id, documentId));
      return { document: summary!, changed, unlinked, resolvedPlaceholders: resolved };
    });
  } catch (e) {
    if (isUniqueViolation(e, 'documents_dedupe_key')) {
      const number = input.number ? cleanNumber(input.number) : '';
      throw new DuplicateDocumentError(m.duplicate(number, input.issuer ?? ''), 0);
    }
    throw e;
  }
}

/** "Thông báo 203/TB-VPCP ngày 26/07/2021": how a placeholder or a linked document is named. */
export function describeNumber(kindLabel: string | null, number: string | null, date: string | null, dated: (d: string) => string): string {
  return [kindLabel, number, date ? dated(formatDate(date)) : null].filter(Boolean).join(' ');
}

export type { Direction };
