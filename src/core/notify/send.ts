// The send jobs: each takes up to SEND_BATCH recipients' queued deliveries on one channel and
// sends them, a person's several notices as one message (their digest). Each row ends sent,
// failed or skipped, or stays queued after a transient failure: the job then fails so the queue
// retries it with back-off, and the retry sends only what is still queued. On the job's last
// attempt what is left is marked failed, with the last error, for the sender to see.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import type { Config } from '../config.ts';
import { refundSms, reserveSms } from './budget.ts';
import { ChannelError } from './channels/errors.ts';
import { sendEmail } from './channels/email.ts';
import { sendPush, vapidKeys, type VapidKeys } from './channels/push.ts';
import { sendSms, smsSegments } from './channels/sms.ts';
import { emailMessage, pushPayload, smsText, type Item } from './compose.ts';
import type { Channel, NotifyUrgency } from './schema.ts';

type Row = { id: number; person_id: number; address: string | null; event_id: number; title: string; body: string; link: string | null; urgency: NotifyUrgency | null; unit_id: number | null };
type Outcome = { state: 'sent'; costVnd?: number } | { state: 'failed' | 'skipped'; error: string } | { state: 'retry'; error: string };

export type SendResult = { sent: number; failed: number; skipped: number; retry: number };

const CONCURRENCY = 8;

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const ids = (rows: Row[]) => sql.join(rows.map((r) => sql`${r.id}`), sql`, `);

async function record(db: Db, rows: Row[], o: Outcome, final: boolean, now: Date): Promise<void> {
  if (o.state === 'sent') {
    // The cost is carried by the first row of a combined message.
    await db.execute(sql`update notification_deliveries set state = 'sent', sent_at = ${now}, attempts = attempts + 1, last_error = null, updated_at = ${now},
                           cost_vnd = case when id = ${rows[0]!.id} then ${o.costVnd ?? 0} else 0 end
                         where id in (${ids(rows)}) and state = 'queued'`);
    return;
  }
  const state = o.state === 'retry' ? (final ? 'failed' : 'queued') : o.state;
  await db.execute(sql`update notification_deliveries set state = ${state}, attempts = attempts + 1, last_error = ${o.error.slice(0, 500)}, updated_at = ${now}
                       where id in (${ids(rows)}) and state = 'queued'`);
}

function items(rows: Row[]): Item[] {
  const seen = new Set<number>();
  return rows.filter((r) => !seen.has(r.event_id) && seen.add(r.event_id)).map((r) => ({ eventId: r.event_id, title: r.title, body: r.body, link: r.link, urgency: r.urgency }));
}

function classify(e: unknown): Outcome {
  if (e instanceof ChannelError) return e.kind === 'transient' ? { state: 'retry', error: e.message } : { state: 'failed', error: e.message };
  return { state: 'retry', error: (e as Error).message ?? String(e) };
}

async function sendPushGroup(db: Db, cfg: Config, keys: VapidKeys, rows: Row[], now: Date): Promise<Outcome> {
  const subs = await queryRows<{ id: number; endpoint: string; p256dh: string; auth: string }>(db, sql`select id, endpoint, p256dh, auth from push_subscriptions where person_id = ${rows[0]!.person_id} order by id`);
  if (subs.length === 0) return { state: 'skipped', error: 'Không còn thiết bị nào bật nhận thông báo.' };
  const list = items(rows);
  const payload = pushPayload(list);
  const hoaToc = list.some((i) => i.urgency === 'hoa_toc');
  let ok = 0;
  let transient: string | null = null;
  let refused: string | null = null;
  for (const s of subs) {
    try {
      await sendPush(s, payload, { keys, contact: cfg.notify.pushContact, ttlSeconds: hoaToc ? 24 * 3600 : 7 * 24 * 3600, urgency: payload.urgent ? 'high' : 'normal' });
      ok++;
      await db.execute(sql`update push_subscriptions set last_success_at = ${now}, last_error = null where id = ${s.id}`);
    } catch (e) {
      const err = e instanceof ChannelError ? e : new ChannelError((e as Error).message, 'transient');
      if (err.kind === 'gone') await db.execute(sql`delete from push_subscriptions where id = ${s.id}`);
      else await db.execute(sql`update push_subscriptions set last_error = ${err.message.slice(0, 300)} where id = ${s.id}`);
      if (err.kind === 'transient') transient = err.message;
      else refused = err.message;
    }
  }
  if (ok > 0) return { state: 'sent' };
  if (transient) return { state: 'retry', error: transient };
  return { state: 'failed', error: refused ?? 'Không gửi được.' };
}

async function sendEmailGroup(cfg: Config, rows: Row[]): Promise<Outcome> {
  const to = rows[0]!.address;
  if (!to || !cfg.notify.smtpUrl) return { state: 'skipped', error: 'Không có địa chỉ thư hoặc máy chủ thư.' };
  try {
    await sendEmail(cfg.notify.smtpUrl, cfg.notify.mailFrom, { to, ...emailMessage(items(rows), cfg.publicUrl) });
    return { state: 'sent' };
  } catch (e) {
    return classify(e);
  }
}

async function sendSmsGroup(db: Db, cfg: Config, rows: Row[], now: Date): Promise<Outcome> {
  const sms = cfg.notify.sms;
  const to = rows[0]!.address;
  const unitId = rows[0]!.unit_id;
  if (!sms || !to) return { state: 'skipped', error: 'Không có số điện thoại hoặc nhà cung cấp SMS.' };
  if (unitId == null) return { state: 'skipped', error: 'Thông báo không thuộc đơn vị nào nên không có ngân sách SMS.' };
  const text = smsText(items(rows), cfg.publicUrl);
  const cost = smsSegments(text) * cfg.notify.smsPriceVnd;
  if (!(await reserveSms(db, unitId, cost, now))) return { state: 'skipped', error: 'Đơn vị đã hết ngân sách SMS tháng này (hoặc chưa đặt ngân sách).' };
  try {
    await sendSms(sms, { to, text, reference: String(rows[0]!.id) });
    return { state: 'sent', costVnd: cost };
  } catch (e) {
    await refundSms(db, unitId, cost, now);
    return classify(e);
  }
}

/** Sends the queued deliveries among `deliveryIds`. `final`: the job's last attempt. */
export async function sendBatch(db: Db, cfg: Config, channel: Channel, deliveryIds: number[], opts: { final: boolean; now?: Date }): Promise<SendResult> {
  const result: SendResult = { sent: 0, failed: 0, skipped: 0, retry: 0 };
  if (deliveryIds.length === 0) return result;
  const rows = await queryRows<Row>(
    db,
    sql`select d.id, d.person_id, d.address, d.event_id, e.title, e.body, e.link, e.urgency, e.unit_id
        from notification_deliveries d join notification_events e on e.id = d.event_id
        where d.id in (${sql.join(deliveryIds.map((id) => sql`${id}`), sql`, `)}) and d.state = 'queued' and d.channel = ${channel}
        order by d.person_id, d.id`,
  );
  // One message per person (and, for SMS, per paying unit).
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = channel === 'sms' ? `${r.person_id}:${r.unit_id}` : String(r.person_id);
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
  }
  const keys = channel === 'push' ? await vapidKeys(db) : null;
  await pool([...groups.values()], CONCURRENCY, async (group) => {
    const now = opts.now ?? new Date();
    const outcome = channel === 'push' ? await sendPushGroup(db, cfg, keys!, group, now) : channel === 'email' ? await sendEmailGroup(cfg, group) : await sendSmsGroup(db, cfg, group, now);
    await record(db, group, outcome, opts.final, now);
    const n = group.length;
    if (outcome.state === 'sent') result.sent += n;
    else if (outcome.state === 'skipped') result.skipped += n;
    else if (outcome.state === 'failed' || opts.final) result.failed += n;
    else result.retry += n;
  });
  return result;
}
