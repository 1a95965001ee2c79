// login-throughput: successful logins over distinct accounts through the real app — GET /login
// for the pre-login CSRF cookie and token, then POST /login with a phone number and password,
// real argon2id verification, session, audit entry, 303 — against the baseline of verifying the
// same hashes with argon2 directly, at the same concurrency, in the same run.
import os from 'node:os';
import argon2 from 'argon2';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/core/db/client.ts';
import { hashPassword } from '../../src/core/auth/password.ts';
import { clientIp, InjectClient, rawQuery, type BenchEnv } from '../lib/env.ts';
import { nowMs, percentile, round, runPool, timed, type ResultLine } from '../lib/stats.ts';

export const LOGIN_ACCOUNTS = 300;
const WARMUP = 24;
/** Requests in flight: argon2 runs on libuv's pool of 4 threads. */
export const LOGIN_CONCURRENCY = 4;

type Login = { accountId: number; phone: string; password: string; hash: string };

/** Gives `count` accounts of the province, spread over it, a password of their own. */
async function prepareAccounts(env: BenchEnv, count: number): Promise<Login[]> {
  const province = await env.province();
  const rows = await queryRows<{ account_id: number; phone: string }>(
    env.database.db,
    sql`select a.id as account_id, p.phone from accounts a join people p on p.id = a.person_id join members m on m.person_id = p.id join units u on u.id = m.unit_id
        where u.path like ${`${province.root.path}%`} and p.phone is not null order by a.id`,
  );
  if (rows.length < count) throw new Error(`bench: only ${rows.length} accounts with a phone, ${count} needed`);
  const step = rows.length / count;
  const picked = Array.from({ length: count }, (_, i) => rows[Math.floor(i * step)]!);
  const t0 = nowMs();
  const logins: Login[] = [];
  await runPool(picked, os.availableParallelism(), async (r, i) => {
    const password = `Bench-${r.account_id}-mk${(i * 7919) % 10007}`;
    logins[i] = { accountId: Number(r.account_id), phone: r.phone, password, hash: await hashPassword(password) };
  });
  await rawQuery(
    env.database,
    `update accounts set password_hash = x.hash, must_change_password = false
     from (select unnest($1::int[]) as id, unnest($2::text[]) as hash) x where accounts.id = x.id`,
    [logins.map((l) => l.accountId), logins.map((l) => l.hash)],
  );
  process.stderr.write(`bench: ${env.kind}: ${count} argon2id hashes set in ${((nowMs() - t0) / 1000).toFixed(1)} s\n`);
  return logins;
}

export async function loginThroughput(env: BenchEnv): Promise<ResultLine[]> {
  const all = await prepareAccounts(env, LOGIN_ACCOUNTS + WARMUP);
  const warm = all.slice(0, WARMUP);
  const measured = all.slice(WARMUP);
  const { app, close } = await env.app();
  try {
    // Each person on their own device and address; the login page first (not timed).
    const clients = all.map((_, i) => new InjectClient(app, clientIp(i + 1)));
    await runPool(clients, LOGIN_CONCURRENCY, async (c) => {
      await c.openLogin();
    });
    const login = async (l: Login, c: InjectClient) => {
      const res = await c.submitLogin(l.phone, l.password);
      if (res.statusCode !== 303) throw new Error(`bench: login of account ${l.accountId} answered ${res.statusCode}`);
    };
    await runPool(warm, LOGIN_CONCURRENCY, (l, i) => login(l, clients[i]!));
    const appTimes: number[] = [];
    const appStart = nowMs();
    await runPool(measured, LOGIN_CONCURRENCY, async (l, i) => {
      appTimes.push(await timed(() => login(l, clients[WARMUP + i]!)));
    });
    const appSeconds = (nowMs() - appStart) / 1000;

    const verify = async (l: Login) => {
      if (!(await argon2.verify(l.hash, l.password))) throw new Error('bench: baseline verification failed');
    };
    await runPool(warm, LOGIN_CONCURRENCY, verify);
    const baseTimes: number[] = [];
    const baseStart = nowMs();
    await runPool(measured, LOGIN_CONCURRENCY, async (l) => {
      baseTimes.push(await timed(() => verify(l)));
    });
    const baseSeconds = (nowMs() - baseStart) / 1000;

    return [
      {
        scenario: 'login-throughput',
        db: env.kind,
        n: measured.length,
        concurrency: LOGIN_CONCURRENCY,
        logins_per_s: round(measured.length / appSeconds),
        baseline_logins_per_s: round(measured.length / baseSeconds),
        p50_ms: round(percentile(appTimes, 50)),
        p95_ms: round(percentile(appTimes, 95)),
        baseline_p50_ms: round(percentile(baseTimes, 50)),
        baseline_p95_ms: round(percentile(baseTimes, 95)),
        members: env.size.members,
      },
    ];
  } finally {
    await close();
  }
}
