// Publishing documents and announcements to members, and who has read what.
//
// A publication is stored with its audience as UNITS, never as one row per member: publishing to
// a province of 150,000 members writes one publication row and one row per audience unit. A
// member's publications are found from the ids in their cell's path (a cell's path "/1/5/23/77/"
// names every unit above it), so a member who joins a cell later sees what was published to it.
//
// Reading and study confirmations are one row per member and publication (the primary key makes
// a repeated confirmation — a phone replaying its offline queue — change nothing). Bookmarks and
// personal notes are the member's own.
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { units } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';

/** What the publisher asks of members: only to see it, to confirm reading, or to study it. */
export const REQUIREMENTS = ['none', 'read', 'study'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];
/** Who in the audience units it is for: every member, the cells' secretaries and deputies, or committee members. */
export const AUDIENCE_ROLES = ['all', 'secretaries', 'committee'] as const;
export type AudienceRole = (typeof AUDIENCE_ROLES)[number];

export const publications = pgTable(
  'publications',
  {
    id: serial('id').primaryKey(),
    /** The publishing unit: its committee, office or administrators published it, to units of its subtree. */
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    /** A library document, or null for a short announcement (then title and body are set). */
    documentId: integer('document_id').references(() => documents.id),
    title: text('title'),
    body: text('body'),
    requirement: text('requirement', { enum: REQUIREMENTS }).notNull(),
    /** A written reflection (bài thu hoạch) is asked with the study confirmation. */
    reflection: boolean('reflection').notNull().default(false),
    dueOn: date('due_on'),
    audienceRole: text('audience_role', { enum: AUDIENCE_ROLES }).notNull().default('all'),
    /** Exempt members (miễn sinh hoạt) still see it but are not counted as expected to read it. */
    excludeExempt: boolean('exclude_exempt').notNull().default(false),
    publishedBy: integer('published_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('publications_unit_idx').on(t.unitId, t.publishedAt),
    index('publications_document_idx').on(t.documentId),
    check('publications_document_or_announcement', sql`(${t.documentId} is null) = (${t.title} is not null and ${t.body} is not null)`),
    check('publications_reflection_with_study', sql`not ${t.reflection} or ${t.requirement} = 'study'`),
    check('publications_due_needs_requirement', sql`${t.dueOn} is null or ${t.requirement} <> 'none'`),
  ],
);

/** The audience: units whose whole subtree the publication reaches (the role is repeated for index-only lookups). */
export const publicationAudience = pgTable(
  'publication_audience',
  {
    publicationId: integer('publication_id')
      .notNull()
      .references(() => publications.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    audienceRole: text('audience_role', { enum: AUDIENCE_ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.publicationId, t.unitId] }), index('publication_audience_unit_idx').on(t.unitId, t.audienceRole, t.publicationId)],
);

/** One row per member and publication: read (or seen), studied, with a reflection; who recorded it when on behalf. */
export const publicationReads = pgTable(
  'publication_reads',
  {
    publicationId: integer('publication_id')
      .notNull()
      .references(() => publications.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
    /** The account that recorded the reading for the member (disseminated in person); null when the member did. */
    readRecordedBy: integer('read_recorded_by'),
    studiedAt: timestamp('studied_at', { withTimezone: true }),
    studyRecordedBy: integer('study_recorded_by'),
    reflection: text('reflection'),
    reflectionAt: timestamp('reflection_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.publicationId, t.personId] }), index('publication_reads_person_idx').on(t.personId), check('publication_reads_reflection_len', sql`length(${t.reflection}) <= 20000`)],
);

/** A member's bookmark and private note on a publication: seen by nobody else. */
export const publicationMarks = pgTable(
  'publication_marks',
  {
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    publicationId: integer('publication_id')
      .notNull()
      .references(() => publications.id),
    bookmarked: boolean('bookmarked').notNull().default(false),
    note: text('note'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.publicationId] }), check('publication_marks_note_len', sql`length(${t.note}) <= 20000`)],
);

export type Publication = typeof publications.$inferSelect;
export type PublicationRead = typeof publicationReads.$inferSelect;
