// Official documents: the library (one row per document a unit has registered), their
// attachments (bytes in the database), the links between documents (citations, supersedes,
// amends — resolved to a document, or a placeholder with the number and date until that
// document arrives), and the incoming/outgoing registers with their gapless counters.
//
// Full-text search: `search` is a stored generated tsvector over the number keys, number,
// subject, issuer and body through the `sotay_vi` text search configuration (a copy of
// `simple` with unaccent: "nghi quyet" finds "nghị quyết", đ → d), created by a custom
// migration, with a GIN index. `search_words` holds every word of the library, for typo
// tolerance through pg_trgm.
import { sql } from 'drizzle-orm';
import { check, customType, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { units } from '../org/schema.ts';
import { DOCUMENT_KINDS, type DocumentKind, type ReceivedStamp, type Secrecy, type Urgency } from './parser/types.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const URGENCIES = ['khan', 'thuong_khan', 'hoa_toc'] as const satisfies readonly Urgency[];
export const SECRECIES = ['mat', 'toi_mat', 'tuyet_mat'] as const satisfies readonly Secrecy[];
export const DIRECTIONS = ['incoming', 'outgoing'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const LINK_KINDS = ['cites', 'supersedes', 'amends'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const documents = pgTable(
  'documents',
  {
    id: serial('id').primaryKey(),
    /** The unit that registered the document: its library and register hold it. */
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    /** Số và ký hiệu as printed, whitespace removed ("107/TB-UBND"); null when unnumbered. */
    number: text('number'),
    /** The number folded to letters and digits ("107tbubnd"): duplicates, citations, exact search. */
    numberKey: text('number_key'),
    symbol: text('symbol'),
    kind: text('kind', { enum: DOCUMENT_KINDS }).$type<DocumentKind>().notNull(),
    /** The issuer as printed (or as the clerk corrected it). */
    issuer: text('issuer'),
    /** "u<unit id>" when the issuer is a known unit, else the folded issuer name: part of the duplicate key. */
    issuerKey: text('issuer_key').notNull(),
    issuerUnitId: integer('issuer_unit_id').references(() => units.id),
    place: text('place'),
    date: date('date'),
    urgency: text('urgency', { enum: URGENCIES }),
    secrecy: text('secrecy', { enum: SECRECIES }),
    subject: text('subject').notNull(),
    signer: text('signer'),
    signerTitle: text('signer_title'),
    recipients: jsonb('recipients').$type<string[]>().notNull().default([]),
    copiesTo: jsonb('copies_to').$type<string[]>().notNull().default([]),
    /** The ĐẾN stamp read from the document, if any. */
    receivedStamp: jsonb('received_stamp').$type<ReceivedStamp | null>(),
    /** The whole text as entered (header, body, signature). */
    text: text('text').notNull(),
    /** The body only: what the library shows under the header. */
    body: text('body').notNull(),
    /** Keys of the numbers this document cites (space separated), searched with a lower weight. */
    citedKeys: text('cited_keys').notNull().default(''),
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('sotay_vi'::regconfig, coalesce(number_key, '')), 'A') || setweight(to_tsvector('sotay_vi'::regconfig, coalesce(number, '') || ' ' || subject), 'B') || setweight(to_tsvector('sotay_vi'::regconfig, coalesce(issuer, '')), 'C') || setweight(to_tsvector('sotay_vi'::regconfig, cited_keys), 'C') || setweight(to_tsvector('sotay_vi'::regconfig, body), 'D')`,
    ),
    /** The header alone (number keys, number, subject, issuer): small, never toasted, cheap to rank many matches by. */
    searchHead: tsvector('search_head').generatedAlwaysAs(
      sql`setweight(to_tsvector('sotay_vi'::regconfig, coalesce(number_key, '')), 'A') || setweight(to_tsvector('sotay_vi'::regconfig, coalesce(number, '') || ' ' || subject), 'B') || setweight(to_tsvector('sotay_vi'::regconfig, coalesce(issuer, '')), 'C')`,
    ),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('documents_unit_idx').on(t.unitId, t.date),
    index('documents_number_key_idx').on(t.numberKey),
    index('documents_issuer_unit_idx').on(t.issuerUnitId),
    index('documents_search_idx').using('gin', t.search),
    // The same number from the same issuer is registered once per unit, even under concurrent saves.
    uniqueIndex('documents_dedupe_key').on(t.unitId, t.numberKey, t.issuerKey).where(sql`${t.numberKey} is not null`),
    check('documents_subject_present', sql`length(${t.subject}) > 0`),
  ],
);

export const ATTACHMENT_ROLES = ['source', 'attachment'] as const;
export type AttachmentRole = (typeof ATTACHMENT_ROLES)[number];

export const documentAttachments = pgTable(
  'document_attachments',
  {
    id: serial('id').primaryKey(),
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id),
    /** "source": the file the text was read from; "attachment": a "Kèm theo" file. */
    role: text('role', { enum: ATTACHMENT_ROLES }).notNull(),
    fileName: text('file_name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('document_attachments_document_idx').on(t.documentId)],
);

/** Files uploaded during intake, kept until the clerk saves (or for a day): forms work without JavaScript. */
export const documentUploads = pgTable(
  'document_uploads',
  {
    id: text('id').primaryKey(),
    accountId: integer('account_id').notNull(),
    unitId: integer('unit_id').notNull(),
    role: text('role', { enum: ATTACHMENT_ROLES }).notNull(),
    fileName: text('file_name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('document_uploads_created_idx').on(t.createdAt)],
);

export const documentLinks = pgTable(
  'document_links',
  {
    id: serial('id').primaryKey(),
    fromDocumentId: integer('from_document_id')
      .notNull()
      .references(() => documents.id),
    kind: text('kind', { enum: LINK_KINDS }).notNull(),
    /** The number as cited ("203/TB-VPCP"), its key, and the date when the citation gives one. */
    targetNumber: text('target_number').notNull(),
    targetKey: text('target_key').notNull(),
    targetDate: date('target_date'),
    targetKind: text('target_kind', { enum: DOCUMENT_KINDS }).$type<DocumentKind>(),
    /** The cited document once it is in the same library; null is a placeholder. */
    toDocumentId: integer('to_document_id').references(() => documents.id),
  },
  (t) => [
    uniqueIndex('document_links_from_key').on(t.fromDocumentId, t.kind, t.targetKey),
    index('document_links_to_idx').on(t.toDocumentId),
    index('document_links_pending_idx').on(t.targetKey).where(sql`${t.toDocumentId} is null`),
  ],
);

/** Sổ văn bản đến / đi (Nghị định 30/2020/NĐ-CP, Phụ lục IV): one entry per registered document. */
export const registerEntries = pgTable(
  'register_entries',
  {
    id: serial('id').primaryKey(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    year: integer('year').notNull(),
    /** Số đến / số đi: 1, 2, 3… per unit, direction and year, without gaps. */
    seq: integer('seq').notNull(),
    /** Ngày đến (incoming) or ngày đi (outgoing). */
    entryDate: date('entry_date').notNull(),
    /** Nơi gửi (incoming) or nơi nhận (outgoing). */
    counterpart: text('counterpart'),
    /** Đơn vị/người nhận xử lý ("Chuyển"), or the unit keeping the file copy (outgoing). */
    forwardedTo: text('forwarded_to'),
    dueOn: date('due_on'),
    /** Số lượng bản (outgoing). */
    copies: integer('copies'),
    note: text('note'),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    handledBy: integer('handled_by'),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('register_entries_seq_key').on(t.unitId, t.direction, t.year, t.seq),
    uniqueIndex('register_entries_document_key').on(t.documentId),
    index('register_entries_pending_idx').on(t.unitId).where(sql`${t.handledAt} is null`),
  ],
);

/** The last number given in each register: incremented in the saving transaction, so numbers have no gaps. */
export const registerCounters = pgTable(
  'register_counters',
  {
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    year: integer('year').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.direction, t.year] })],
);

/** Every word in the library (as searched: unaccented, lower case), for "did you mean" through pg_trgm. */
export const searchWords = pgTable(
  'search_words',
  {
    word: text('word').primaryKey(),
  },
  (t) => [index('search_words_trgm_idx').using('gin', t.word.op('gin_trgm_ops'))],
);

export type DocumentRow = typeof documents.$inferSelect;
export type RegisterEntry = typeof registerEntries.$inferSelect;
export type DocumentLink = typeof documentLinks.$inferSelect;
export type Attachment = Omit<typeof documentAttachments.$inferSelect, 'content'>;
