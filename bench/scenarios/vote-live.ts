// vote-live-200 (PostgreSQL): 200 members of one cell vote on one open question, their votes
// posted through two app instances (alternately) that share one PostgreSQL, while the secretary's
// room is open on both instances (server-sent events). For each vote: the time from sending it to
// the first summary, on each instance, that counts it — the instance that took the vote and the
// other one (reached through LISTEN/NOTIFY). Votes arrive as a burst with 20 in flight, the way a
// room votes when the secretary opens the question.
//
// Which summary "counts" a vote: votes are ranked in the order their requests completed (each
// answer is committed before its response is sent); vote k is displayed by the first summary
// whose answered count is at least k.
//
// Baseline, same run, same database: the same burst as bare transactions sent straight through
// the driver (insert a row, pg_notify, commit) and the time until a LISTENing connection receives
// the notification — the floor any cross-instance display sits on.
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { createAccount, grantRole } from '../../src/core/auth/accounts.ts';
import { createSession, csrfToken, SESSION_COOKIE } from '../../src/core/auth/sessions.ts';
import { loadConfig } from '../../src/core/config.ts';
import { openDatabase, type Database } from '../../src/core/db/client.ts';
import { createUnit } from '../../src/org/tree.ts';
import { createMember } from '../../src/people/members.ts';
import { createMeeting, markUnrecordedPresent, setStatus } from '../../src/meetings/meetings.ts';
import { createQuestion, openQuestion } from '../../src/meetings/votes.ts';
import { createServer } from '../../src/server.ts';
import type { BenchEnv } from '../lib/env.ts';
import { latencyFields, nowMs, round, runPool, type ResultLine } from '../lib/stats.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const VOTERS = 200;
const IN_FLIGHT = 20;

type Voter = { personId: number; cookie: string; csrf: string };
type Fixture = { meetingId: number; questionId: number; voters: Voter[]; secretary: { cookie: string } };

const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hằng', 'Hùng', 'Lan', 'Long', 'Mai', 'Minh', 'Nam', 'Ngọc', 'Phúc', 'Quang', 'Sơn', 'Thảo', 'Tuấn'];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];

/** A cell of 200 official members (and its secretary), with sessions minted directly: synthetic people get no password. */
async function fixture(env: BenchEnv): Promise<Fixture> {
  const db = env.database.db;
  return db.transaction(async (tx) => {
    const root = await createUnit(tx, SYSTEM_CONTEXT, { parentId: null, kind: 'party_province', name: 'Đảng bộ tỉnh đo biểu quyết', code: 'BENCH-VOTE' });
    const commune = await createUnit(tx, SYSTEM_CONTEXT, { parentId: root.id, kind: 'party_grassroots', name: 'Đảng bộ xã đo biểu quyết' });
    const cell = await createUnit(tx, SYSTEM_CONTEXT, { parentId: commune.id, kind: 'cell', name: 'Chi bộ đo biểu quyết' });
    const people: { personId: number; accountId: number }[] = [];
    for (let i = 0; i <= VOTERS; i++) {
      const fullName = `${FAMILY[i % FAMILY.length]} Văn ${GIVEN[Math.floor(i / FAMILY.length) % GIVEN.length]} ${i}`;
      const m = await createMember(tx, SYSTEM_CONTEXT, {
        unitId: cell.id,
        fullName,
        birthDate: '1970-01-01',
        gender: 'male',
        phone: null,
        email: null,
        phoneKind: 'smartphone',
        cardNumber: null,
        position: null,
        standing: 'official',
        joinedOn: '2000-01-01',
        officialOn: '2001-01-01',
        exempt: false,
      });
      const account = await createAccount(tx, SYSTEM_CONTEXT, { personId: m.personId, passwordHash: null, mustChangePassword: false });
      people.push({ personId: m.personId, accountId: account.id });
    }
    const secretary = people[0]!;
    await grantRole(tx, SYSTEM_CONTEXT, { accountId: secretary.accountId, role: 'cell_secretary', unitId: cell.id });
    const date = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
    const meeting = await createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date, time: '19:30', durationMinutes: 90, location: null, onlineUrl: null, topic: null, title: null });
    await setStatus(tx, SYSTEM_CONTEXT, meeting.id, 'in_progress');
    await markUnrecordedPresent(tx, SYSTEM_CONTEXT, meeting.id);
    const q = await createQuestion(tx, SYSTEM_CONTEXT, meeting.id, { kind: 'agree', prompt: 'Thông qua nghị quyết chuyên đề', options: [], ratingMax: null, secret: false, resolution: true });
    await openQuestion(tx, SYSTEM_CONTEXT, q.id);
    const sessionOf = async (accountId: number) => {
      const { token, session } = await createSession(tx, { accountId, kind: 'device' });
      return { cookie: `${SESSION_COOKIE}=${token}`, csrf: csrfToken(session) };
    };
    const voters: Voter[] = [];
    for (const p of people.slice(1)) voters.push({ personId: p.personId, ...(await sessionOf(p.accountId)) });
    return { meetingId: meeting.id, questionId: q.id, voters, secretary: await sessionOf(secretary.accountId) };
  });
}

type Summary = { questions: { id: number; answered: number }[] };

/** The secretary's room on one instance: every summary's answered count, with its arrival time. */
function room(url: string, cookie: string, questionId: number) {
  const seen: { at: number; answered: number }[] = [];
  let req: http.ClientRequest | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(url, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`bench: live stream answered ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = nowMs();
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!data) continue;
          const q = (JSON.parse(data) as Summary).questions.find((x) => x.id === questionId);
          seen.push({ at, answered: q?.answered ?? 0 });
          resolve();
        }
      });
    });
    req.on('error', reject);
  });
  return { ready, seen, close: () => req?.destroy() };
}

/** The arrival of the first summary counting at least `k` votes (null: none yet). */
function displayedAt(seen: { at: number; answered: number }[], k: number): number | null {
  for (const s of seen) if (s.answered >= k) return s.at;
  return null;
}

async function instance(database: Database): Promise<{ app: FastifyInstance; url: string; close: () => Promise<void> }> {
  const config = loadConfig({ SOTAY_DATA_DIR: path.join(os.tmpdir(), 'sotay-bench-unused'), SOTAY_LOG_LEVEL: 'silent', SOTAY_WORKERS: 'false', SOTAY_SEED_DEMO: 'false' });
  const { app, jobs } = await createServer(config, { database, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      await jobs.stop();
      await app.close();
    },
  };
}

/** Waits until every room has shown `k` votes (or gives up after 30 s). */
async function settle(rooms: ReturnType<typeof room>[], k: number): Promise<void> {
  const until = Date.now() + 30_000;
  while (rooms.some((r) => displayedAt(r.seen, k) == null)) {
    if (Date.now() > until) throw new Error(`bench: the rooms never showed ${k} votes`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The floor: the same burst as bare insert + pg_notify transactions, timed to a LISTENing connection. */
async function baseline(url: string): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  const pool = new pg.Pool({ connectionString: url, max: IN_FLIGHT });
  try {
    await listener.query('create table if not exists bench_vote_floor (k int primary key, at timestamptz not null default now())');
    await listener.query('truncate bench_vote_floor');
    const sent = new Map<number, number>();
    const got = new Map<number, number>();
    listener.on('notification', (n) => {
      if (n.channel === 'bench_vote_floor') got.set(Number(n.payload), nowMs());
    });
    await listener.query('LISTEN bench_vote_floor');
    await runPool(
      Array.from({ length: VOTERS }, (_, i) => i),
      IN_FLIGHT,
      async (k) => {
        const c = await pool.connect();
        try {
          sent.set(k, nowMs());
          await c.query('begin');
          await c.query('insert into bench_vote_floor (k) values ($1)', [k]);
          await c.query(`select pg_notify('bench_vote_floor', $1)`, [String(k)]);
          await c.query('commit');
        } finally {
          c.release();
        }
      },
    );
    const until = Date.now() + 30_000;
    while (got.size < VOTERS && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await listener.query('drop table bench_vote_floor');
    return [...sent].filter(([k]) => got.has(k)).map(([k, t]) => got.get(k)! - t);
  } finally {
    await pool.end();
    await listener.end();
  }
}

export async function voteLive200(env: BenchEnv): Promise<ResultLine[]> {
  if (env.kind !== 'postgres') {
    log('pglite: vote-live-200 skipped — two instances can share only a PostgreSQL server (the embedded database belongs to one process)');
    return [];
  }
  const url = (env.database.pool as pg.Pool & { options: { connectionString: string } }).options.connectionString;
  const f = await fixture(env);
  log(`postgres: a cell of ${f.voters.length} voting members and its secretary; one open question`);
  const second = await openDatabase({ kind: 'postgres', url, poolSize: 10 });
  const a = await instance(env.database);
  const b = await instance(second);
  const rooms = [a, b].map((i) => room(`${i.url}/meetings/${f.meetingId}/live`, f.secretary.cookie, f.questionId));
  try {
    await Promise.all(rooms.map((r) => r.ready));
    const sentAt: number[] = [];
    const via: number[] = [];
    const completed: number[] = [];
    const t0 = nowMs();
    await runPool(f.voters, IN_FLIGHT, async (v, i) => {
      const target = i % 2 === 0 ? a : b;
      via[i] = i % 2;
      sentAt[i] = nowMs();
      const res = await target.app.inject({
        method: 'POST',
        url: `/meetings/${f.meetingId}/questions/${f.questionId}/answer`,
        headers: { cookie: v.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ choice: i % 5 === 0 ? 'disagree' : 'agree', _csrf: v.csrf }).toString(),
      });
      if (res.statusCode !== 303) throw new Error(`bench: a vote answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      completed.push(i);
    });
    const burstMs = nowMs() - t0;
    await settle(rooms, VOTERS);
    const same: number[] = [];
    const other: number[] = [];
    completed.forEach((i, rank) => {
      for (const [r, list] of [
        [via[i]!, same],
        [1 - via[i]!, other],
      ] as const) {
        const at = displayedAt(rooms[r]!.seen, rank + 1);
        if (at != null) list.push(Math.max(0, at - sentAt[i]!));
      }
    });
    const floor = await baseline(url);
    const summaries = rooms.map((r) => r.seen.length);
    return [
      {
        scenario: 'vote-live-200',
        db: 'postgres',
        n: other.length,
        display: 'other instance',
        voters: VOTERS,
        in_flight: IN_FLIGHT,
        burst_ms: round(burstMs),
        votes_per_s: round((VOTERS / burstMs) * 1000),
        summaries_sent: summaries[0]! + summaries[1]!,
        ...latencyFields(other, floor),
      },
      { scenario: 'vote-live-200', db: 'postgres', n: same.length, display: 'same instance', voters: VOTERS, in_flight: IN_FLIGHT, ...latencyFields(same, floor) },
    ];
  } finally {
    for (const r of rooms) r.close();
    await a.close();
    await b.close();
    await second.close();
  }
}
