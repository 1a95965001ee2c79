// The notification jobs on the core's durable queue: fan-out of one event, send batches, and
// the minute sweep that queues what has come due (quiet hours over, digest time), and the VAPID
// keys made on the first start.
import type { Config } from '../config.ts';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { fanOut, sweep } from './notify.ts';
import { sendBatch } from './send.ts';
import { vapidKeys } from './channels/push.ts';

declare module '../jobs/queue.ts' {
  interface JobPayloads {
    'notify.keys': Record<string, never>;
    'notify.purge': Record<string, never>;
  }
}

/**
 * Registers the handlers. `config` is read when a job runs (a function, so the server's
 * configuration — or a test's — is the one used).
 */
export async function registerNotifyJobs(queue: JobQueue, config: () => Config): Promise<void> {
  queue.register('notify.fanout', async ({ eventId }, { db }) => fanOut(db, eventId, config().notify));
  queue.register('notify.send', async ({ channel, ids }, { db, job }) => {
    const final = job.attempts >= job.maxAttempts;
    const r = await sendBatch(db, config(), channel, ids, { final });
    if (r.retry > 0) throw new Error(`${r.retry} of ${ids.length} ${channel} deliveries failed for now; retrying (sent ${r.sent}, failed ${r.failed}, skipped ${r.skipped})`);
    return r;
  });
  queue.register('notify.sweep', async (_p, { db }) => ({ queued: await sweep(db) }));
  await queue.schedule('notify.sweep', '* * * * *', 'notify.sweep', {});
  // Finished notification jobs (a sweep a minute, a send job per 100 recipients) are kept a week; failed ones stay.
  queue.register('notify.purge', async (_p, { db }) => ({ removed: await purgeNotifyJobs(db) }));
  await queue.schedule('notify.purge', '23 3 * * *', 'notify.purge', {});
  // The VAPID key pair, made on the first start (once: the job's key is unique) and kept in `settings`.
  queue.register('notify.keys', async (_p, { db }) => ({ publicKey: (await vapidKeys(db)).publicKey }));
  await queue.enqueue('notify.keys', {}, { dedupeKey: 'notify.keys' });
}

/** Deletes the notification jobs that finished well more than a week ago; returns how many. */
export async function purgeNotifyJobs(db: Db, now = new Date()): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with gone as (delete from jobs where queue like 'notify.%' and status = 'done' and finished_at < ${new Date(now.getTime() - 7 * 24 * 3600_000)} returning 1) select count(*)::int as n from gone`,
  );
  return Number(rows[0]?.n ?? 0);
}
