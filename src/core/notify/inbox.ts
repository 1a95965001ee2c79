// Reading side: a member's own inbox and devices (every query takes the person id of the one
// asking — there is no way to name someone else's), and the sender's view of who got a notice.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import { audit, type ActingContext } from '../audit/audit.ts';
import { invalid } from '../errors.ts';
import type { Resource } from '../policy/policy.ts';
import { notificationEvents, notifications, pushSubscriptions, type Channel, type DeliveryState, type NotifyUrgency } from './schema.ts';

export type InboxItem = { eventId: number; kind: string; urgency: NotifyUrgency | null; title: string; body: string; link: string | null; createdAt: Date; readAt: Date | null };

const INBOX_COLUMNS = {
  eventId: notificationEvents.id,
  kind: notificationEvents.kind,
  urgency: notificationEvents.urgency,
  title: notificationEvents.title,
  body: notificationEvents.body,
  link: notificationEvents.link,
  createdAt: notificationEvents.createdAt,
  readAt: notifications.readAt,
};

/** The person's notices, newest first. */
export async function listInbox(db: Db, personId: number, opts: { page?: number; pageSize?: number; unreadOnly?: boolean } = {}): Promise<{ items: InboxItem[]; hasMore: boolean }> {
  const size = opts.pageSize ?? 30;
  const page = Math.max(1, opts.page ?? 1);
  const rows = await db
    .select(INBOX_COLUMNS)
    .from(notifications)
    .innerJoin(notificationEvents, eq(notificationEvents.id, notifications.eventId))
    .where(and(eq(notifications.personId, personId), opts.unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.eventId))
    .limit(size + 1)
    .offset((page - 1) * size);
  return { items: rows.slice(0, size), hasMore: rows.length > size };
}

export async function unreadCount(db: Db, personId: number): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from notifications where person_id = ${personId} and read_at is null`);
  return Number(row?.n ?? 0);
}

/** One of the person's own notices (null when it is not theirs), marked read. */
export async function openNotice(db: Db, personId: number, eventId: number, now = new Date()): Promise<InboxItem | null> {
  const [row] = await db
    .select(INBOX_COLUMNS)
    .from(notifications)
    .innerJoin(notificationEvents, eq(notificationEvents.id, notifications.eventId))
    .where(and(eq(notifications.personId, personId), eq(notifications.eventId, eventId)));
  if (!row) return null;
  if (!row.readAt) {
    // Reading it is looking at it, like opening a letter: not an audited change.
    await db.update(notifications).set({ readAt: now }).where(and(eq(notifications.personId, personId), eq(notifications.eventId, eventId), isNull(notifications.readAt)));
  }
  return row;
}

export async function markAllRead(db: Db, who: ActingContext, personId: number, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.personId, personId), isNull(notifications.readAt)))
      .returning({ eventId: notifications.eventId });
    if (rows.length) await audit(tx, who, { action: 'notification.read_all', entityType: 'person', entityId: personId, after: { count: rows.length } });
    return rows.length;
  });
}

// ---------------------------------------------------------------------------------------------
// Devices (Web Push subscriptions)

export type Device = { id: number; label: string | null; createdAt: Date; lastSuccessAt: Date | null; lastError: string | null };

export async function listDevices(db: Db, personId: number): Promise<Device[]> {
  return db
    .select({ id: pushSubscriptions.id, label: pushSubscriptions.label, createdAt: pushSubscriptions.createdAt, lastSuccessAt: pushSubscriptions.lastSuccessAt, lastError: pushSubscriptions.lastError })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.personId, personId))
    .orderBy(pushSubscriptions.id);
}

export type NewSubscription = { endpoint: string; p256dh: string; auth: string; label?: string | null };

/** Records (or refreshes) this device's subscription for the person. */
export async function addDevice(db: Db, who: ActingContext, personId: number, s: NewSubscription): Promise<number> {
  if (!/^[A-Za-z0-9_-]{40,200}$/.test(s.p256dh) || !/^[A-Za-z0-9_-]{10,100}$/.test(s.auth)) throw invalid('Khóa của thiết bị không hợp lệ.');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(pushSubscriptions)
      .values({ personId, endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, label: s.label ?? null })
      .onConflictDoUpdate({ target: [pushSubscriptions.personId, pushSubscriptions.endpoint], set: { p256dh: s.p256dh, auth: s.auth, label: s.label ?? null, lastError: null } })
      .returning({ id: pushSubscriptions.id });
    await audit(tx, who, { action: 'notification.push_subscribe', entityType: 'push_subscription', entityId: row!.id, after: { label: s.label ?? null } });
    return row!.id;
  });
}

/** Removes one of the person's own devices, by id or by endpoint; false when there is none such. */
export async function removeDevice(db: Db, who: ActingContext, personId: number, which: { id: number } | { endpoint: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.personId, personId), 'id' in which ? eq(pushSubscriptions.id, which.id) : eq(pushSubscriptions.endpoint, which.endpoint)))
      .returning({ id: pushSubscriptions.id, label: pushSubscriptions.label });
    for (const r of rows) await audit(tx, who, { action: 'notification.push_unsubscribe', entityType: 'push_subscription', entityId: r.id, before: { label: r.label } });
    return rows.length > 0;
  });
}

// ---------------------------------------------------------------------------------------------
// The sender's view

export async function loadNotificationResource(db: Db, eventId: number): Promise<Extract<Resource, { type: 'notification' }> | null> {
  const [row] = await queryRows<{ id: number; path: string | null; created_by: number | null }>(
    db,
    sql`select e.id, u.path, e.created_by from notification_events e left join units u on u.id = e.unit_id where e.id = ${eventId}`,
  );
  return row ? { type: 'notification', id: Number(row.id), unitPath: row.path, createdBy: row.created_by } : null;
}

export type SentItem = { id: number; kind: string; urgency: NotifyUrgency | null; title: string; unitName: string | null; createdAt: Date; recipients: number | null; read: number };

/** Notices the account sent, or sent by units under `unitPaths` (null: every notice, for system administrators). */
export async function listSent(db: Db, scope: { accountId: number; unitPaths: string[] | null }, page = 1, size = 30): Promise<{ items: SentItem[]; hasMore: boolean }> {
  const units = scope.unitPaths === null ? sql`true` : scope.unitPaths.length ? sql.join(scope.unitPaths.map((p) => sql`starts_with(u.path, ${p})`), sql` or `) : sql`false`;
  const rows = await queryRows<{ id: number; kind: string; urgency: NotifyUrgency | null; title: string; unit_name: string | null; created_at: Date | string; recipients: number | null }>(
    db,
    sql`select e.id, e.kind, e.urgency, e.title, u.name as unit_name, e.created_at, e.recipients
        from notification_events e left join units u on u.id = e.unit_id
        where e.created_by = ${scope.accountId} or (${units})
        order by e.id desc limit ${size + 1} offset ${(Math.max(1, page) - 1) * size}`,
  );
  const list = rows.slice(0, size);
  const reads = list.length
    ? await queryRows<{ event_id: number; n: number }>(
        db,
        sql`select event_id, count(*) filter (where read_at is not null)::int as n from notifications where event_id in (${sql.join(list.map((r) => sql`${r.id}`), sql`, `)}) group by event_id`,
      )
    : [];
  const readOf = new Map(reads.map((r) => [Number(r.event_id), Number(r.n)]));
  return {
    items: list.map((r) => ({ id: Number(r.id), kind: r.kind, urgency: r.urgency, title: r.title, unitName: r.unit_name, createdAt: new Date(r.created_at), recipients: r.recipients, read: readOf.get(Number(r.id)) ?? 0 })),
    hasMore: rows.length > size,
  };
}

export type DeliveryReport = {
  event: { id: number; kind: string; urgency: NotifyUrgency | null; title: string; body: string; link: string | null; unitId: number | null; createdAt: Date; recipients: number | null; fannedOutAt: Date | null };
  read: number;
  /** Per channel: how many deliveries are in each state, and the SMS spent. */
  channels: Record<Channel, Record<DeliveryState, number> & { costVnd: number }>;
};

const emptyStates = (): Record<DeliveryState, number> & { costVnd: number } => ({ scheduled: 0, queued: 0, sent: 0, failed: 0, skipped: 0, costVnd: 0 });

/** Counts for one notice: recipients, read in the app, and each channel's deliveries by state. */
export async function deliveryReport(db: Db, eventId: number): Promise<DeliveryReport | null> {
  const [e] = await db.select().from(notificationEvents).where(eq(notificationEvents.id, eventId));
  if (!e) return null;
  const [read] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from notifications where event_id = ${eventId} and read_at is not null`);
  const rows = await queryRows<{ channel: Channel; state: DeliveryState; n: number; cost: number }>(
    db,
    sql`select channel, state, count(*)::int as n, coalesce(sum(cost_vnd), 0)::bigint as cost from notification_deliveries where event_id = ${eventId} group by channel, state`,
  );
  const channels = { push: emptyStates(), email: emptyStates(), sms: emptyStates() };
  for (const r of rows) {
    channels[r.channel][r.state] = Number(r.n);
    channels[r.channel].costVnd += Number(r.cost);
  }
  return {
    event: { id: e.id, kind: e.kind, urgency: e.urgency, title: e.title, body: e.body, link: e.link, unitId: e.unitId, createdAt: e.createdAt, recipients: e.recipients, fannedOutAt: e.fannedOutAt },
    read: Number(read?.n ?? 0),
    channels,
  };
}

export type RecipientRow = {
  personId: number;
  fullName: string;
  unitName: string | null;
  readAt: Date | null;
  channels: Partial<Record<Channel, { state: DeliveryState; dueAt: Date; sentAt: Date | null; error: string | null; attempts: number }>>;
};

export const RECIPIENT_FILTERS = ['all', 'unread', 'failed', 'pending'] as const;
export type RecipientFilter = (typeof RECIPIENT_FILTERS)[number];

/** Recipients of a notice with their state on every channel, in name order (Vietnamese sort key), a page at a time. */
export async function deliveryRecipients(db: Db, eventId: number, opts: { filter?: RecipientFilter; page?: number; pageSize?: number } = {}): Promise<{ rows: RecipientRow[]; hasMore: boolean }> {
  const size = opts.pageSize ?? 50;
  const page = Math.max(1, opts.page ?? 1);
  const filter = opts.filter ?? 'all';
  const cond =
    filter === 'unread' ? sql`n.read_at is null`
    : filter === 'failed' ? sql`exists (select 1 from notification_deliveries f where f.event_id = n.event_id and f.person_id = n.person_id and f.state in ('failed', 'skipped'))`
    : filter === 'pending' ? sql`exists (select 1 from notification_deliveries f where f.event_id = n.event_id and f.person_id = n.person_id and f.state in ('scheduled', 'queued'))`
    : sql`true`;
  const people = await queryRows<{ person_id: number; full_name: string; unit_name: string | null; read_at: Date | string | null }>(
    db,
    sql`select n.person_id, p.full_name, u.name as unit_name, n.read_at
        from notifications n join people p on p.id = n.person_id
        left join members m on m.person_id = n.person_id left join units u on u.id = m.unit_id
        where n.event_id = ${eventId} and ${cond}
        order by p.sort_key, p.id limit ${size + 1} offset ${(page - 1) * size}`,
  );
  const list = people.slice(0, size);
  const ds = list.length
    ? await queryRows<{ person_id: number; channel: Channel; state: DeliveryState; due_at: Date | string; sent_at: Date | string | null; last_error: string | null; attempts: number }>(
        db,
        sql`select person_id, channel, state, due_at, sent_at, last_error, attempts from notification_deliveries
            where event_id = ${eventId} and person_id in (${sql.join(list.map((p) => sql`${p.person_id}`), sql`, `)})`,
      )
    : [];
  const byPerson = new Map<number, RecipientRow['channels']>();
  for (const d of ds) {
    const m = byPerson.get(d.person_id) ?? {};
    m[d.channel] = { state: d.state, dueAt: new Date(d.due_at), sentAt: d.sent_at ? new Date(d.sent_at) : null, error: d.last_error, attempts: d.attempts };
    byPerson.set(d.person_id, m);
  }
  return {
    rows: list.map((p) => ({ personId: p.person_id, fullName: p.full_name, unitName: p.unit_name, readAt: p.read_at ? new Date(p.read_at) : null, channels: byPerson.get(p.person_id) ?? {} })),
    hasMore: people.length > size,
  };
}

/** The notices a feature sent about one of its things (e.g. a publication), newest first. */
export async function noticesAbout(db: Db, subject: { type: string; id: string | number }): Promise<{ id: number; createdAt: Date; recipients: number | null }[]> {
  const rows = await db
    .select({ id: notificationEvents.id, createdAt: notificationEvents.createdAt, recipients: notificationEvents.recipients })
    .from(notificationEvents)
    .where(and(eq(notificationEvents.subjectType, subject.type), eq(notificationEvents.subjectId, String(subject.id))))
    .orderBy(desc(notificationEvents.id));
  return rows;
}
