// The one event path: every notification in the product goes through `notify()`.
//
// `notify(tx, who, notice)` runs inside the caller's business transaction and writes only two
// rows — the event and its fan-out job on the durable queue — so a notice exists exactly when
// the business write does, and publishing to a province of 150,000 members stays instant. Nothing
// is sent in the request.
//
// The fan-out job (`fanOut`) then, in one transaction and set-based: writes every recipient's
// inbox row (in-app, always), one delivery row per recipient and outside channel they chose for
// this urgency (Web Push on devices they allowed, email, SMS), with the time it is due — at once,
// after their quiet hours, or at their daily digest — and enqueues send jobs of up to 100
// recipients for what is due now. `sweep` (every minute) queues what has come due since.
//
// Urgency decides: HỎA TỐC goes at once on every channel the member keeps on ("all" or
// "urgent"), ignoring quiet hours; khẩn and thượng khẩn go on the same channels but wait out quiet
// hours; ordinary notices go only where the member wants everything, batched into the daily
// digest when the member chose it.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import type { NotifyConfig } from '../config.ts';
import { audit, type ActingContext } from '../audit/audit.ts';
import { invalid } from '../errors.ts';
import { safeReturnPath } from '../http/render.ts';
import { enqueue } from '../jobs/queue.ts';
import { jobs } from '../jobs/schema.ts';
import { audienceSchema, audienceSql, type Audience } from './audience.ts';
import { DEFAULT_PREFS, localClock } from './prefs.ts';
import { notificationEvents, type Channel, type NotifyUrgency } from './schema.ts';

declare module '../jobs/queue.ts' {
  interface JobPayloads {
    'notify.fanout': { eventId: number };
    'notify.send': { channel: Channel; ids: number[] };
    'notify.sweep': Record<string, never>;
  }
}

export type Notice = {
  /** What it is about, e.g. "publication", "announcement", "meeting", "task". */
  kind: string;
  urgency: NotifyUrgency | null;
  audience: Audience;
  title: string;
  body?: string;
  /** A path in the app ("/publications/12"). */
  link?: string | null;
  /** The sending unit: its SMS budget pays; its committee, office and administrators see the delivery state. */
  unitId?: number | null;
  /** What it is about in its feature, so the feature can find the notice again (deliveryState of a publication). */
  subject?: { type: string; id: string | number } | null;
};

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}…`);

/** Recipients per send job. */
export const SEND_BATCH = 100;

/**
 * Records a notice and its fan-out job. Call it with the business transaction's handle, so the
 * notice is sent exactly when the business write commits. Returns the event id.
 */
export async function notify(tx: Db, who: ActingContext, notice: Notice): Promise<number> {
  // A long subject line or body is shortened, not refused: the business write must not fail over it.
  const title = clip(notice.title.replace(/\s+/g, ' ').trim(), 300);
  if (!title) throw invalid('Thông báo cần có tiêu đề.', { field: 'title' });
  const body = clip((notice.body ?? '').trim(), 2000);
  const link = notice.link ? safeReturnPath(notice.link, '') || null : null;
  if (notice.link && !link) throw invalid('Liên kết của thông báo phải là một đường dẫn trong Sổ tay (bắt đầu bằng /).', { field: 'link' });
  const audience = audienceSchema.parse(notice.audience);
  const [event] = await tx
    .insert(notificationEvents)
    .values({
      kind: notice.kind,
      urgency: notice.urgency,
      title,
      body,
      link,
      unitId: notice.unitId ?? null,
      createdBy: who.accountId,
      subjectType: notice.subject?.type ?? null,
      subjectId: notice.subject ? String(notice.subject.id) : null,
      audience,
    })
    .returning({ id: notificationEvents.id });
  const eventId = event!.id;
  await enqueue(tx, 'notify.fanout', { eventId }, { dedupeKey: `notify.fanout:${eventId}` });
  await audit(tx, who, {
    action: 'notification.send',
    entityType: 'notification',
    entityId: eventId,
    unitId: notice.unitId ?? null,
    after: { kind: notice.kind, urgency: notice.urgency, title, audience, subject: notice.subject ?? null },
  });
  return eventId;
}

// ---------------------------------------------------------------------------------------------
// Effective choices, in SQL (np: the member's notification_prefs row, possibly absent)

const lit = (v: string | number | boolean | null) => sql.raw(v === null ? 'null' : typeof v === 'string' ? `'${v}'` : String(v));
const level = (col: 'push_level' | 'email_level' | 'sms_level', d: string) => sql`coalesce(np.${sql.raw(col)}, ${lit(d)})`;
const DIGEST = sql`coalesce(np.digest, ${lit(DEFAULT_PREFS.digest)})`;
const DIGEST_HOUR = sql`coalesce(np.digest_hour, ${lit(DEFAULT_PREFS.digestHour)})`;
// A saved row with no quiet hours means none; no row at all means the defaults.
const QUIET_START = sql`(case when np.person_id is null then ${lit(DEFAULT_PREFS.quietStart)} else np.quiet_start end)`;
const QUIET_END = sql`(case when np.person_id is null then ${lit(DEFAULT_PREFS.quietEnd)} else np.quiet_end end)`;

function levelOk(levelSql: SQL, urgency: NotifyUrgency | null): SQL {
  return urgency ? sql`${levelSql} in ('all', 'urgent')` : sql`${levelSql} = 'all'`;
}

/** Seconds from now (local second of day `s`) until the delivery is due, per recipient. */
function delaySql(urgency: NotifyUrgency | null, s: number): SQL {
  const until = (hour: SQL) => sql`(((${hour} * 3600 - ${s}) % 86400) + 86400) % 86400`;
  const quiet = sql`(${QUIET_START} is not null and (case when ${QUIET_START} < ${QUIET_END}
      then ${s} >= ${QUIET_START} * 3600 and ${s} < ${QUIET_END} * 3600
      else ${s} >= ${QUIET_START} * 3600 or ${s} < ${QUIET_END} * 3600 end))`;
  const afterQuiet = sql`(case when ${quiet} then ${until(QUIET_END)} else 0 end)`;
  if (urgency === 'hoa_toc') return sql`0`;
  if (urgency) return afterQuiet;
  return sql`(case when ${DIGEST} then ${until(DIGEST_HOUR)} else ${afterQuiet} end)`;
}

/** Which channels a fan-out may use: push always (keys are ours), email and SMS when configured. */
export function channelsOf(cfg: NotifyConfig): Channel[] {
  return ['push', ...(cfg.smtpUrl ? (['email'] as const) : []), ...(cfg.sms ? (['sms'] as const) : [])];
}

type ChannelSource = { from: SQL; address: SQL; level: SQL };
function channelSource(channel: Channel): ChannelSource {
  if (channel === 'push')
    return {
      from: sql`join people p on p.id = n.person_id join (select distinct person_id from push_subscriptions) ps on ps.person_id = n.person_id where true`,
      address: sql`null::text`,
      level: level('push_level', DEFAULT_PREFS.pushLevel),
    };
  if (channel === 'email')
    return { from: sql`join people p on p.id = n.person_id where p.email is not null and p.email <> ''`, address: sql`p.email`, level: level('email_level', DEFAULT_PREFS.emailLevel) };
  return { from: sql`join people p on p.id = n.person_id where p.phone is not null and p.phone <> ''`, address: sql`p.phone`, level: level('sms_level', DEFAULT_PREFS.smsLevel) };
}

/** Enqueues send jobs, SEND_BATCH recipients each, for this event's deliveries that are queued. */
async function enqueueQueued(tx: Db, where: SQL): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`with batches as (
          insert into ${jobs} (queue, payload, max_attempts)
          select 'notify.send', jsonb_build_object('channel', channel, 'ids', jsonb_agg(id order by id)), 8
          from (select id, channel, (dense_rank() over (partition by channel order by person_id) - 1) / ${SEND_BATCH} as batch
                from notification_deliveries d where d.state = 'queued' and ${where}) q
          group by channel, batch
          returning 1)
        select count(*)::int as n from batches`,
  );
  return Number(rows[0]?.n ?? 0);
}

export type FanOutResult = { recipients: number; deliveries: Record<Channel, number>; sendJobs: number; already?: boolean };

/** Resolves an event's audience into inboxes and deliveries (see the top of this file). Idempotent. */
export async function fanOut(db: Db, eventId: number, cfg: NotifyConfig, now = new Date()): Promise<FanOutResult> {
  return db.transaction(async (tx) => {
    const [event] = await queryRows<{ id: number; urgency: NotifyUrgency | null; audience: Audience; fanned_out_at: Date | null; recipients: number | null }>(
      tx,
      sql`select id, urgency, audience, fanned_out_at, recipients from notification_events where id = ${eventId} for update`,
    );
    const deliveries: Record<Channel, number> = { push: 0, email: 0, sms: 0 };
    if (!event) return { recipients: 0, deliveries, sendJobs: 0 };
    if (event.fanned_out_at) return { recipients: event.recipients ?? 0, deliveries, sendJobs: 0, already: true };
    const inbox = await queryRows<{ n: number }>(
      tx,
      sql`with ins as (
            insert into notifications (person_id, event_id)
            select a.person_id, ${eventId}::bigint from (${await audienceSql(tx, event.audience)}) a where a.person_id is not null
            on conflict do nothing
            returning 1)
          select count(*)::int as n from ins`,
    );
    const recipients = Number(inbox[0]?.n ?? 0);
    const s = localClock(now).secondsOfDay;
    for (const channel of channelsOf(cfg)) {
      const src = channelSource(channel);
      // A phone shared by a couple gets one SMS (the lower person id stands for both).
      const distinct = channel === 'sms' ? sql`distinct on (p.phone)` : sql``;
      const order = channel === 'sms' ? sql`order by p.phone, n.person_id` : sql``;
      const rows = await queryRows<{ n: number }>(
        tx,
        sql`with ins as (
              insert into notification_deliveries (event_id, person_id, channel, address, state, due_at, digest)
              select ${eventId}::bigint, x.person_id, ${channel}, x.address, case when x.delay > 0 then 'scheduled' else 'queued' end,
                     ${now}::timestamptz + x.delay * interval '1 second', x.digest
              from (select ${distinct} n.person_id, ${src.address} as address, ${delaySql(event.urgency, s)} as delay,
                           ${event.urgency ? sql`false` : DIGEST} as digest
                    from notifications n
                    left join notification_prefs np on np.person_id = n.person_id
                    ${src.from} and n.event_id = ${eventId} and ${levelOk(src.level, event.urgency)}
                    ${order}) x
              on conflict do nothing
              returning 1)
            select count(*)::int as n from ins`,
      );
      deliveries[channel] = Number(rows[0]?.n ?? 0);
    }
    const sendJobs = await enqueueQueued(tx, sql`d.event_id = ${eventId}`);
    await tx.execute(sql`update notification_events set recipients = ${recipients}, fanned_out_at = ${now} where id = ${eventId}`);
    return { recipients, deliveries, sendJobs };
  });
}

/** Queues the deliveries that have come due (quiet hours over, digest time), a person's together. */
export async function sweep(db: Db, now = new Date(), limit = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const rows = await queryRows<{ id: number }>(
        tx,
        sql`update notification_deliveries d set state = 'queued', updated_at = ${now}
            where d.id in (select id from notification_deliveries where state = 'scheduled' and due_at <= ${now} order by due_at, id limit ${limit} for update skip locked)
            returning d.id`,
      );
      if (rows.length === 0) return 0;
      // A person's rows that came due together go in one job, so their digest is one message.
      await enqueueQueued(tx, sql`d.id in (${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)})`);
      return rows.length;
    });
    total += moved;
    if (moved < limit) return total;
  }
}

// ---------------------------------------------------------------------------------------------
// Before sending to thousands: how many, on which channel, and what the SMS will cost

export type Estimate = {
  recipients: number;
  /** People who will get it on each channel (now or in their digest). SMS counts phones: a shared phone gets one message. */
  channels: Record<Channel, number>;
  /** Channels this server can use (email and SMS need their settings). */
  available: Record<Channel, boolean>;
  smsPriceVnd: number;
  smsCostVnd: number;
  /** The sending unit's SMS budget this month; null when it has none set (then no SMS goes out). */
  budget: { monthlyVnd: number; spentVnd: number; remainingVnd: number } | null;
  /** The SMS would cost more than what is left of the budget: the ones over it are not sent. */
  overBudget: boolean;
};

/** Audiences at least this large, or any SMS cost, ask the sender to confirm (count and cost shown). */
export const CONFIRM_FROM_RECIPIENTS = 1000;
export const needsConfirmation = (e: Estimate) => e.recipients >= CONFIRM_FROM_RECIPIENTS || e.smsCostVnd > 0;

/** Counts, without writing anything, what `notify()` with this audience and urgency would send. */
export async function estimate(db: Db, cfg: NotifyConfig, opts: { audience: Audience; urgency: NotifyUrgency | null; unitId?: number | null; now?: Date }): Promise<Estimate> {
  const audience = audienceSchema.parse(opts.audience);
  const u = opts.urgency;
  const [row] = await queryRows<{ recipients: number; push: number; email: number; sms: number }>(
    db,
    sql`with r as (select a.person_id from (${await audienceSql(db, audience)}) a where a.person_id is not null)
        select count(*)::int as recipients,
          (count(*) filter (where ${levelOk(level('push_level', DEFAULT_PREFS.pushLevel), u)} and ps.person_id is not null))::int as push,
          (count(*) filter (where ${levelOk(level('email_level', DEFAULT_PREFS.emailLevel), u)} and p.email is not null and p.email <> ''))::int as email,
          (count(distinct p.phone) filter (where ${levelOk(level('sms_level', DEFAULT_PREFS.smsLevel), u)} and p.phone <> ''))::int as sms
        from r join people p on p.id = r.person_id left join notification_prefs np on np.person_id = r.person_id
        left join (select distinct person_id from push_subscriptions) ps on ps.person_id = r.person_id`,
  );
  const available = { push: true, email: !!cfg.smtpUrl, sms: !!cfg.sms };
  const channels: Record<Channel, number> = {
    push: Number(row?.push ?? 0),
    email: available.email ? Number(row?.email ?? 0) : 0,
    sms: available.sms ? Number(row?.sms ?? 0) : 0,
  };
  const smsCostVnd = channels.sms * cfg.smsPriceVnd;
  let budget: Estimate['budget'] = null;
  if (opts.unitId != null) {
    const month = localClock(opts.now ?? new Date()).month;
    const [b] = await queryRows<{ monthly_vnd: number; month: string; spent_vnd: number }>(db, sql`select monthly_vnd, month, spent_vnd from sms_budgets where unit_id = ${opts.unitId}`);
    if (b) {
      const spent = b.month === month ? Number(b.spent_vnd) : 0;
      budget = { monthlyVnd: Number(b.monthly_vnd), spentVnd: spent, remainingVnd: Math.max(0, Number(b.monthly_vnd) - spent) };
    }
  }
  const overBudget = smsCostVnd > 0 && (budget === null || smsCostVnd > budget.remainingVnd);
  return { recipients: Number(row?.recipients ?? 0), channels, available, smsPriceVnd: cfg.smsPriceVnd, smsCostVnd, budget, overBudget };
}
