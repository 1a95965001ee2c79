// A durable job queue and scheduler on the product's own database, the same SQL on PGlite and
// PostgreSQL. Jobs are rows: a crash or restart loses none (a job whose worker died is
// claimed again once its lock expires); failures retry with exponential back-off; several
// instances on one PostgreSQL share the work through FOR UPDATE SKIP LOCKED.
import os from 'node:os';
import { and, eq, sql } from 'drizzle-orm';
import { CronExpressionParser } from 'cron-parser';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import { jobs, schedules } from './schema.ts';
import { TIME_ZONE } from '../i18n/i18n.ts';

/** Queue names and their payloads. Features add theirs by declaration merging. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}
export type QueueName = keyof JobPayloads & string;

export type JobRow = typeof jobs.$inferSelect;
export type JobContext = { db: Db; job: JobRow; progress: (value: unknown) => Promise<void> };
export type JobHandler<Q extends QueueName> = (payload: JobPayloads[Q], ctx: JobContext) => Promise<unknown>;

export type EnqueueOptions = { runAt?: Date; dedupeKey?: string; maxAttempts?: number };

const LOCK_MS = 5 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function backoffMs(attempt: number): number {
  return Math.min(3600_000, 5000 * 2 ** Math.max(0, attempt - 1));
}

/** Adds a job. Pass a transaction handle to make the job part of a larger write. */
export async function enqueue<Q extends QueueName>(db: Db, queue: Q, payload: JobPayloads[Q], opts: EnqueueOptions = {}): Promise<number | null> {
  const rows = await db
    .insert(jobs)
    .values({ queue, payload: payload as object, runAt: opts.runAt ?? new Date(), dedupeKey: opts.dedupeKey ?? null, maxAttempts: opts.maxAttempts ?? 8 })
    .onConflictDoNothing({ target: jobs.dedupeKey })
    .returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}

export function nextCronRun(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: TIME_ZONE }).next().toDate();
}

export class JobQueue {
  private handlers = new Map<string, JobHandler<never>>();
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<Promise<void>>();
  private stopping = false;
  readonly workerId = `${os.hostname()}:${process.pid}`;

  constructor(
    private readonly db: Db,
    private readonly opts: { pollMs?: number; batch?: number; log?: (msg: string, extra?: object) => void } = {},
  ) {}

  setLogger(log: (msg: string, extra?: object) => void): void {
    this.opts.log = log;
  }

  register<Q extends QueueName>(queue: Q, handler: JobHandler<Q>): void {
    this.handlers.set(queue, handler as JobHandler<never>);
  }

  enqueue<Q extends QueueName>(queue: Q, payload: JobPayloads[Q], opts?: EnqueueOptions): Promise<number | null> {
    return enqueue(this.db, queue, payload, opts);
  }

  /** Declares a recurring job (cron in Asia/Ho_Chi_Minh). Idempotent: keeps the next run if unchanged. */
  async schedule<Q extends QueueName>(name: string, cron: string, queue: Q, payload: JobPayloads[Q]): Promise<void> {
    const next = nextCronRun(cron, new Date());
    await this.db
      .insert(schedules)
      .values({ name, cron, queue, payload: payload as object, nextRunAt: next })
      .onConflictDoUpdate({
        target: schedules.name,
        set: { queue, payload: payload as object, cron, nextRunAt: sql`case when ${schedules.cron} = ${cron} then ${schedules.nextRunAt} else ${next} end` },
      });
  }

  /** Enqueues every schedule that is due; two instances never enqueue the same run twice. */
  async tickSchedules(now = new Date()): Promise<number> {
    const due = await this.db.select().from(schedules).where(sql`${schedules.nextRunAt} <= ${now}`);
    let n = 0;
    for (const s of due) {
      const next = nextCronRun(s.cron, now);
      await this.db.transaction(async (tx) => {
        const claimed = await tx
          .update(schedules)
          .set({ nextRunAt: next, lastRunAt: now })
          .where(and(eq(schedules.name, s.name), eq(schedules.nextRunAt, s.nextRunAt)))
          .returning({ name: schedules.name });
        if (claimed.length === 0) return;
        await enqueue(tx, s.queue as QueueName, s.payload as never, { dedupeKey: `schedule:${s.name}:${s.nextRunAt.toISOString()}` });
        n++;
      });
    }
    return n;
  }

  /**
   * Runs up to `batch` ready jobs (or jobs whose worker died), claiming each one just before
   * running it, so no claimed job sits waiting while its lock runs out. Returns how many ran.
   */
  async runOnce(now = new Date()): Promise<number> {
    const queues = [...this.handlers.keys()];
    if (queues.length === 0) return 0;
    let ran = 0;
    while (ran < (this.opts.batch ?? 5)) {
      const at = ran === 0 ? now : new Date(Math.max(now.getTime(), Date.now()));
      const [claimed] = await queryRows<{ id: string | number }>(
        this.db,
        sql`update jobs set status = 'running', attempts = attempts + 1, locked_until = ${new Date(at.getTime() + LOCK_MS)}, locked_by = ${this.workerId}
            where id = (
              select id from jobs
              where queue in (${sql.join(queues.map((q) => sql`${q}`), sql`, `)})
                and ((status = 'queued' and run_at <= ${at}) or (status = 'running' and locked_until < ${at}))
              order by run_at, id
              limit 1
              for update skip locked)
            returning id`,
      );
      if (!claimed) break;
      await this.runJob(Number(claimed.id));
      ran++;
    }
    return ran;
  }

  private async runJob(id: number): Promise<void> {
    const [job] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    if (!job) return;
    const handler = this.handlers.get(job.queue);
    // Every later write names this worker: if the lock was lost to another instance, its result stands.
    const mine = and(eq(jobs.id, id), eq(jobs.status, 'running'), eq(jobs.lockedBy, this.workerId));
    const heartbeat = setInterval(() => {
      void this.db.update(jobs).set({ lockedUntil: new Date(Date.now() + LOCK_MS) }).where(mine).catch(() => {});
    }, LOCK_MS / 3);
    heartbeat.unref();
    try {
      if (!handler) throw new Error(`no handler for queue ${job.queue}`);
      const result = await handler(job.payload as never, {
        db: this.db,
        job,
        progress: async (value) => {
          await this.db.update(jobs).set({ progress: value as object }).where(mine);
        },
      });
      await this.db
        .update(jobs)
        .set({ status: 'done', result: (result ?? null) as object, finishedAt: new Date(), lockedUntil: null, lastError: null })
        .where(mine);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const dead = job.attempts >= job.maxAttempts;
      this.opts.log?.(`job ${job.queue}#${id} failed (attempt ${job.attempts}/${job.maxAttempts})`, { error: message });
      await this.db
        .update(jobs)
        .set(
          dead
            ? { status: 'dead', lastError: message, finishedAt: new Date(), lockedUntil: null }
            : { status: 'queued', lastError: message, runAt: new Date(Date.now() + backoffMs(job.attempts)), lockedUntil: null },
        )
        .where(mine);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Jobs left "running" by a process of this host that no longer exists (killed, crashed) are
   * made claimable at once instead of waiting for their lock to expire.
   */
  async recoverOrphans(): Promise<number> {
    const host = os.hostname();
    const running = await this.db.select({ id: jobs.id, lockedBy: jobs.lockedBy }).from(jobs).where(eq(jobs.status, 'running'));
    let n = 0;
    for (const j of running) {
      const [h, pid] = (j.lockedBy ?? '').split(':');
      if (h !== host || !pid || Number(pid) === process.pid || processAlive(Number(pid))) continue;
      await this.db.update(jobs).set({ lockedUntil: new Date(0) }).where(and(eq(jobs.id, j.id), eq(jobs.status, 'running')));
      n++;
    }
    return n;
  }

  /** Polls for work until stop() is called. */
  start(): void {
    if (this.timer) return;
    this.stopping = false;
    const loop = async () => {
      if (this.stopping) return;
      const p = (async () => {
        try {
          await this.tickSchedules();
          while (!this.stopping && (await this.runOnce()) > 0) {
            /* drain */
          }
        } catch (e) {
          this.opts.log?.('job loop error', { error: (e as Error).message });
        }
      })();
      this.running.add(p);
      await p;
      this.running.delete(p);
      if (!this.stopping) this.timer = setTimeout(loop, this.opts.pollMs ?? 1000);
    };
    this.timer = setTimeout(() => {
      void this.recoverOrphans()
        .catch((e) => this.opts.log?.('job recovery failed', { error: (e as Error).message }))
        .then(loop);
    }, 10);
  }

  /** Stops polling and waits for the jobs in hand to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.running]);
  }

  async get(id: number): Promise<JobRow | undefined> {
    const [job] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    return job;
  }
}
