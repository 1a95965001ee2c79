// Recurring housekeeping of the login machinery, run by the shared job queue.
import type { JobQueue } from '../jobs/queue.ts';
import { purgeSessions } from './sessions.ts';
import { loginThrottle } from './schema.ts';
import { lt } from 'drizzle-orm';
import { purgeIdempotencyKeys } from '../http/idempotency.ts';

declare module '../jobs/queue.ts' {
  interface JobPayloads {
    'sessions.purge': Record<string, never>;
  }
}

export async function sessionJobs(queue: JobQueue): Promise<void> {
  queue.register('sessions.purge', async (_payload, { db }) => {
    const sessionsRemoved = await purgeSessions(db);
    const stale = await db.delete(loginThrottle).where(lt(loginThrottle.lastFailureAt, new Date(Date.now() - 2 * 24 * 3600_000))).returning({ key: loginThrottle.key });
    return { sessionsRemoved, throttleRowsRemoved: stale.length, idempotencyKeysRemoved: await purgeIdempotencyKeys(db) };
  });
  await queue.schedule('sessions.purge', '17 3 * * *', 'sessions.purge', {});
}
