// Notifications: one event path for every notice the product sends.
//
// `notify()` writes one `notification_events` row (what, how urgent, to whom — the audience as
// person ids or as units with a role filter, never one row per member) and a fan-out job, in the
// caller's transaction. The job resolves the audience set-based into the members' inboxes
// (`notifications`, one row per person: always, whatever the channel settings) and into
// `notification_deliveries` (one row per person and outside channel: Web Push, email, SMS),
// which the send jobs work through and which show the sender what reached whom.
//
// Each member's channel choices and quiet hours live in `notification_prefs` (no row: the
// defaults in prefs.ts), their devices' Web Push subscriptions in `push_subscriptions`, and each
// unit's monthly SMS budget — with what it has spent this month — in `sms_budgets`.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { units } from '../../org/schema.ts';
import { people } from '../../people/schema.ts';

/** Độ khẩn of a notice, as on documents; null is an ordinary notice. */
export const NOTIFY_URGENCIES = ['khan', 'thuong_khan', 'hoa_toc'] as const;
export type NotifyUrgency = (typeof NOTIFY_URGENCIES)[number];
/** Channels outside the app (the inbox in the app is always written). */
export const CHANNELS = ['push', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
/** What a member wants on a channel: everything, only urgent notices (khẩn, thượng khẩn, hỏa tốc), or nothing. */
export const CHANNEL_LEVELS = ['all', 'urgent', 'off'] as const;
export type ChannelLevel = (typeof CHANNEL_LEVELS)[number];
/**
 * scheduled: waits for its time (quiet hours, the daily digest); queued: a send job holds it;
 * sent; failed (gave up, or refused for good); skipped (no SMS budget left, no device left).
 */
export const DELIVERY_STATES = ['scheduled', 'queued', 'sent', 'failed', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const notificationEvents = pgTable(
  'notification_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What it is about, e.g. "publication", "announcement", "system". */
    kind: text('kind').notNull(),
    urgency: text('urgency', { enum: NOTIFY_URGENCIES }),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    /** A path in the app ("/p/12"), opened from the inbox, the push notification and the email. */
    link: text('link'),
    /** The sending unit: its SMS budget pays, its managers see the delivery state. */
    unitId: integer('unit_id').references(() => units.id),
    createdBy: integer('created_by'),
    /** What the notice is about in its feature (e.g. "publication", "12"), so that feature can find its deliveries. */
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    /** The audience as given: { personIds } or { unitIds, role, excludeExempt }. */
    audience: jsonb('audience').notNull(),
    /** Filled in by the fan-out: how many people it reached, and when. */
    recipients: integer('recipients'),
    fannedOutAt: timestamp('fanned_out_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notification_events_unit_idx').on(t.unitId, t.id),
    index('notification_events_created_by_idx').on(t.createdBy, t.id),
    index('notification_events_subject_idx').on(t.subjectType, t.subjectId),
    check('notification_events_title_len', sql`length(${t.title}) between 1 and 300`),
  ],
);

/** The inbox: one row per person and event. */
export const notifications = pgTable(
  'notifications',
  {
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => notificationEvents.id),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.personId, t.eventId] }), index('notifications_event_idx').on(t.eventId)],
);

export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => notificationEvents.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    /** The email address or phone number at fan-out time (push: null, every device of the person). */
    address: text('address'),
    state: text('state', { enum: DELIVERY_STATES }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** An ordinary notice waiting for the member's daily digest (combined with others when sent). */
    digest: boolean('digest').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    costVnd: integer('cost_vnd').notNull().default(0),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notification_deliveries_key').on(t.eventId, t.personId, t.channel),
    index('notification_deliveries_due_idx').on(t.dueAt).where(sql`${t.state} = 'scheduled'`),
  ],
);

/** A member's choices. No row: the defaults (prefs.ts). */
export const notificationPrefs = pgTable(
  'notification_prefs',
  {
    personId: integer('person_id')
      .primaryKey()
      .references(() => people.id),
    pushLevel: text('push_level', { enum: CHANNEL_LEVELS }).notNull(),
    emailLevel: text('email_level', { enum: CHANNEL_LEVELS }).notNull(),
    smsLevel: text('sms_level', { enum: CHANNEL_LEVELS }).notNull(),
    /** Ordinary notices on email/SMS/push come together once a day at `digestHour`. */
    digest: boolean('digest').notNull(),
    digestHour: smallint('digest_hour').notNull(),
    /** Quiet hours [start, end) in Asia/Ho_Chi_Minh, whole hours; both null: none. HỎA TỐC ignores them. */
    quietStart: smallint('quiet_start'),
    quietEnd: smallint('quiet_end'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('notification_prefs_quiet', sql`(${t.quietStart} is null and ${t.quietEnd} is null) or (${t.quietStart} between 0 and 23 and ${t.quietEnd} between 0 and 23 and ${t.quietStart} <> ${t.quietEnd})`),
    check('notification_prefs_digest_hour', sql`${t.digestHour} between 0 and 23`),
  ],
);

/** One row per device (browser) a member allowed notifications on. A shared phone may carry two people. */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    /** "Chrome, Android" — so the member can tell devices apart. */
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [uniqueIndex('push_subscriptions_person_endpoint_key').on(t.personId, t.endpoint)],
);

/** A unit's monthly SMS budget (set by its administrator) and what this month has used. */
export const smsBudgets = pgTable(
  'sms_budgets',
  {
    unitId: integer('unit_id')
      .primaryKey()
      .references(() => units.id),
    monthlyVnd: bigint('monthly_vnd', { mode: 'number' }).notNull(),
    /** The month `spentVnd` counts ("2025-06", Asia/Ho_Chi_Minh); a new month starts from zero. */
    month: text('month').notNull(),
    spentVnd: bigint('spent_vnd', { mode: 'number' }).notNull().default(0),
    messages: integer('messages').notNull().default(0),
    updatedBy: integer('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('sms_budgets_nonnegative', sql`${t.monthlyVnd} >= 0 and ${t.spentVnd} >= 0`)],
);

export type NotificationEvent = typeof notificationEvents.$inferSelect;
export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
export type NotificationPrefs = typeof notificationPrefs.$inferSelect;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
