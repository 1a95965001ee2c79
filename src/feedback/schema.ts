// Feedback (góp ý, phản hồi, tâm tư nguyện vọng): a member writes to their cell, the committee
// above or a higher one; the receiving unit assigns, answers, forwards up or down the tree, closes.
//
// An item that hides its author's name carries no author at all: no person, no account, no time
// of day (only the date), a random id (no serial number to line up with the audit log). The
// author finds their own items through `feedback_anonymous_authors`, which only the author's own
// requests read (the policy module lets nobody else — not even a system administrator — see it),
// and the audit log records that an anonymous item was sent, never by whom or which.
import { sql } from 'drizzle-orm';
import { boolean, check, customType, date, index, integer, pgTable, primaryKey, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { units } from '../org/schema.ts';
import { people } from '../people/schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** góp ý, câu hỏi, tâm tư nguyện vọng, phản ánh. */
export const FEEDBACK_CATEGORIES = ['opinion', 'question', 'aspiration', 'report'] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
/** mới, đang xử lý, đã trả lời, đã đóng. */
export const FEEDBACK_STATUSES = ['new', 'in_progress', 'answered', 'closed'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];
export const FEEDBACK_EVENT_KINDS = ['assigned', 'answered', 'forwarded', 'closed', 'reopened', 'note'] as const;
export type FeedbackEventKind = (typeof FEEDBACK_EVENT_KINDS)[number];

export const feedbackItems = pgTable(
  'feedback_items',
  {
    /** Random, so an anonymous item's id says nothing about when it came. */
    id: uuid('id').primaryKey(),
    /** The unit that holds it now (it changes when forwarded). */
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    /** The unit the member first addressed. */
    firstUnitId: integer('first_unit_id')
      .notNull()
      .references(() => units.id),
    /** The sender's cell (named items only). */
    originUnitId: integer('origin_unit_id').references(() => units.id),
    category: text('category', { enum: FEEDBACK_CATEGORIES }).notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    anonymous: boolean('anonymous').notNull(),
    /** The author of a named item; null when the name is hidden. */
    authorPersonId: integer('author_person_id').references(() => people.id),
    /** The account that wrote it for a member without a phone (named items only). */
    recordedBy: integer('recorded_by'),
    status: text('status', { enum: FEEDBACK_STATUSES }).notNull().default('new'),
    /** The account handling it in the receiving unit. */
    handlerAccountId: integer('handler_account_id'),
    /** The day it was sent (no time of day) and the day an answer is due. */
    sentOn: date('sent_on').notNull(),
    dueOn: date('due_on').notNull(),
    attachmentName: text('attachment_name'),
    attachmentMime: text('attachment_mime'),
    attachment: bytea('attachment'),
  },
  (t) => [
    index('feedback_items_unit_idx').on(t.unitId, t.status),
    index('feedback_items_first_unit_idx').on(t.firstUnitId),
    index('feedback_items_author_idx').on(t.authorPersonId),
    check('feedback_items_anonymous_has_no_author', sql`${t.anonymous} = (${t.authorPersonId} is null) and (not ${t.anonymous} or (${t.recordedBy} is null and ${t.originUnitId} is null))`),
    check('feedback_items_lengths', sql`length(${t.subject}) between 1 and 300 and length(${t.body}) between 1 and 10000`),
    check('feedback_items_attachment', sql`(${t.attachment} is null) = (${t.attachmentName} is null)`),
  ],
);

/** The author of an anonymous item, read only for the author's own requests. */
export const feedbackAnonymousAuthors = pgTable(
  'feedback_anonymous_authors',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => feedbackItems.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
  },
  (t) => [primaryKey({ columns: [t.itemId] }), index('feedback_anonymous_authors_person_idx').on(t.personId)],
);

/** The history: assigned, answered, forwarded (from a unit to another), closed, reopened, internal notes. */
export const feedbackEvents = pgTable(
  'feedback_events',
  {
    id: serial('id').primaryKey(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => feedbackItems.id),
    kind: text('kind', { enum: FEEDBACK_EVENT_KINDS }).notNull(),
    fromUnitId: integer('from_unit_id').references(() => units.id),
    toUnitId: integer('to_unit_id').references(() => units.id),
    text: text('text'),
    /** Shown to the author (answers, forwards, closing); internal notes are not. */
    visibleToAuthor: boolean('visible_to_author').notNull().default(true),
    byAccountId: integer('by_account_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('feedback_events_item_idx').on(t.itemId, t.id), index('feedback_events_to_unit_idx').on(t.toUnitId)],
);

export type FeedbackItem = Omit<typeof feedbackItems.$inferSelect, 'attachment'>;
export type FeedbackEvent = typeof feedbackEvents.$inferSelect;
