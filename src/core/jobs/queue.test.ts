import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { testDatabase, onPostgres, type TestDatabase } from '../../../test/kit/db.ts';
import { JobQueue, backoffMs } from './queue.ts';
import { jobs, schedules } from './schema.ts';

declare module './queue.ts' {
  interface JobPayloads {
    'test.echo': { n: number };
    'test.flaky': { failTimes: number };
    'test.slow': { id: number };
  }
}

let d: TestDatabase;
before(async () => {
  d = await testDatabase({ poolSize: 6 });
});
after(() => d.close());

test('a job runs once and records its result', async () => {
  const q = new JobQueue(d.db);
  const seen: number[] = [];
  q.register('test.echo', async (p) => {
    seen.push(p.n);
    return { doubled: p.n * 2 };
  });
  const id = (await q.enqueue('test.echo', { n: 21 }))!;
  assert.equal(await q.runOnce(), 1);
  assert.equal(await q.runOnce(), 0);
  const job = await q.get(id);
  assert.equal(job!.status, 'done');
  assert.deepEqual(job!.result, { doubled: 42 });
  assert.deepEqual(seen, [21]);
});

test('a failing job is retried with exponential back-off, then succeeds', async () => {
  const q = new JobQueue(d.db);
  let calls = 0;
  q.register('test.flaky', async (p) => {
    calls++;
    if (calls <= p.failTimes) throw new Error(`failure ${calls}`);
    return 'ok';
  });
  const id = (await q.enqueue('test.flaky', { failTimes: 2 }))!;
  let now = Date.now();
  await q.runOnce(new Date(now));
  let job = (await q.get(id))!;
  assert.equal(job.status, 'queued');
  assert.equal(job.lastError, 'failure 1');
  assert.ok(job.runAt.getTime() >= now + backoffMs(1) - 1000);
  assert.equal(await q.runOnce(new Date(now)), 0, 'not before its back-off');
  now = job.runAt.getTime() + 1;
  await q.runOnce(new Date(now));
  job = (await q.get(id))!;
  now = job.runAt.getTime() + 1;
  await q.runOnce(new Date(now));
  job = (await q.get(id))!;
  assert.equal(job.status, 'done');
  assert.equal(job.attempts, 3);
  assert.ok(backoffMs(2) > backoffMs(1));
});

test('a job whose worker died is picked up again after its lock expires (restart)', async () => {
  const id = (await new JobQueue(d.db).enqueue('test.echo', { n: 7 }))!;
  // A worker claimed it and was killed: status running with a lock in the past.
  await d.db.update(jobs).set({ status: 'running', attempts: 1, lockedBy: 'dead-worker', lockedUntil: new Date(Date.now() - 1000) }).where(eq(jobs.id, id));
  const restarted = new JobQueue(d.db);
  restarted.register('test.echo', async (p) => p.n);
  assert.equal(await restarted.runOnce(), 1);
  assert.equal((await restarted.get(id))!.status, 'done');
});

test('a recurring schedule enqueues each run once, even with two instances', async () => {
  const a = new JobQueue(d.db);
  const b = new JobQueue(d.db);
  await a.schedule('test-every-minute', '* * * * *', 'test.echo', { n: 1 });
  await b.schedule('test-every-minute', '* * * * *', 'test.echo', { n: 1 });
  const [s] = await d.db.select().from(schedules).where(eq(schedules.name, 'test-every-minute'));
  const at = new Date(s!.nextRunAt.getTime() + 1000);
  const counts = await Promise.all([a.tickSchedules(at), b.tickSchedules(at)]);
  assert.equal(counts[0]! + counts[1]!, 1);
  const queued = await d.db.select().from(jobs).where(sql`${jobs.dedupeKey} like 'schedule:test-every-minute:%'`);
  assert.equal(queued.length, 1);
});

test('two workers on PostgreSQL never run the same job (FOR UPDATE SKIP LOCKED)', { skip: onPostgres() ? false : 'the embedded database has one connection and serialises everything; this proof runs in the PostgreSQL pass' }, async () => {
  const ran = new Map<number, number>();
  const handler = async (p: { id: number }) => {
    ran.set(p.id, (ran.get(p.id) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 5));
  };
  const workers = [new JobQueue(d.db, { batch: 3 }), new JobQueue(d.db, { batch: 3 }), new JobQueue(d.db, { batch: 3 })];
  for (const w of workers) w.register('test.slow', handler);
  for (let i = 0; i < 60; i++) await workers[0]!.enqueue('test.slow', { id: i });
  await Promise.all(
    workers.map(async (w) => {
      while ((await w.runOnce()) > 0) {
        /* drain */
      }
    }),
  );
  assert.equal(ran.size, 60);
  assert.ok([...ran.values()].every((n) => n === 1), 'each job ran exactly once');
});

test('after a crash, jobs held by a dead process of this host are taken up at once, not after the lock expires', async () => {
  const os = await import('node:os');
  const q = new JobQueue(d.db);
  q.register('test.echo', async (p) => p.n);
  while ((await q.runOnce()) > 0) {
    /* earlier tests' leftovers */
  }
  const id = (await q.enqueue('test.echo', { n: 9 }))!;
  // pid 2^22+1 cannot be a live process (above Linux's pid_max default).
  await d.db.update(jobs).set({ status: 'running', attempts: 1, lockedBy: `${os.hostname()}:4194305`, lockedUntil: new Date(Date.now() + 300_000) }).where(eq(jobs.id, id));
  assert.equal(await q.runOnce(), 0, 'still locked');
  assert.equal(await q.recoverOrphans(), 1);
  assert.equal(await q.runOnce(), 1);
  assert.equal((await q.get(id))!.status, 'done');
});
