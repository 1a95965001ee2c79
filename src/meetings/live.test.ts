// Live results over server-sent events: a vote reaches every browser in the room — on the same
// instance (both databases), and across two instances on different ports sharing one PostgreSQL
// (LISTEN/NOTIFY). Only the number of ballots moves while a secret question is open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Client } from '../../test/kit/app.ts';
import { testConfig } from '../../test/kit/app.ts';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { openDatabase, type Database } from '../core/db/client.ts';
import { createServer } from '../server.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { createMeeting, getRoster, markUnrecordedPresent, setStatus } from './meetings.ts';
import { createQuestion, openQuestion } from './votes.ts';

type Instance = { app: FastifyInstance; url: string; stop: () => Promise<void> };
const onPostgres = !!process.env.DATABASE_URL;

let database: TestDatabase;
const instances: Instance[] = [];
const extraDatabases: Database[] = [];

async function instance(db: Database): Promise<Instance> {
  const { app, jobs } = await createServer(testConfig(), { database: db, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const i = { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, stop: async () => (await jobs.stop(), await app.close()) };
  instances.push(i);
  return i;
}

before(async () => {
  database = await testDatabase({ demo: true });
});
after(async () => {
  for (const i of instances) await i.stop();
  for (const d of extraDatabases) await d.close();
  await database.close();
});

type Summary = { stamp: number; version: string; present: number; questions: { id: number; answered: number; counts: Record<string, number> | null }[] };

/** Reads a server-sent event stream; `next` waits for an event that satisfies a condition. */
function stream(url: string, cookie: string) {
  const events: Summary[] = [];
  const waiters: { ok: (s: Summary) => boolean; resolve: (s: Summary) => void }[] = [];
  let req: http.ClientRequest;
  let markEnded: () => void = () => {};
  const ended = new Promise<void>((r) => (markEnded = r));
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(url, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/event-stream/);
      let buf = '';
      res.setEncoding('utf8');
      res.on('end', () => markEnded());
      res.on('close', () => markEnded());
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data) continue;
          const s = JSON.parse(data) as Summary;
          events.push(s);
          for (const w of [...waiters]) {
            if (!w.ok(s)) continue;
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(s);
          }
          resolve();
        }
      });
    });
    req.on('error', reject);
  });
  return {
    ready,
    ended,
    events,
    next: (ok: (s: Summary) => boolean) =>
      new Promise<Summary>((resolve, reject) => {
        const hit = events.find(ok);
        if (hit) return resolve(hit);
        const timer = setTimeout(() => reject(new Error(`no matching event; last: ${JSON.stringify(events.at(-1))}`)), 30_000);
        waiters.push({ ok, resolve: (s) => (clearTimeout(timer), resolve(s)) });
      }),
    close: () => req.destroy(),
  };
}

const cookieOf = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

async function openMeeting(db: Database['db'], code: string, secret: boolean) {
  const cell = await unitByCode(db, code);
  const date = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  const meeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date, time: '19:30', durationMinutes: 90, location: null, onlineUrl: null, topic: null, title: null }));
  await db.transaction((tx) => setStatus(tx, SYSTEM_CONTEXT, meeting.id, 'in_progress'));
  await db.transaction((tx) => markUnrecordedPresent(tx, SYSTEM_CONTEXT, meeting.id));
  const q = await db.transaction((tx) => createQuestion(tx, SYSTEM_CONTEXT, meeting.id, { kind: 'agree', prompt: 'Tán thành?', options: [], ratingMax: null, secret, resolution: false }));
  await db.transaction((tx) => openQuestion(tx, SYSTEM_CONTEXT, q.id));
  return { meeting, q, roster: await getRoster(db, meeting.id) };
}

async function vote(app: FastifyInstance, login: string, meetingId: number, qid: number, choice: string) {
  const c = new Client(app);
  const res = await c.login(login);
  assert.equal(res.status, 303);
  await c.get(`/meetings/${meetingId}`);
  const r = await c.post(`/meetings/${meetingId}/questions/${qid}/answer`, { choice });
  assert.equal(r.status, 303);
}

test('a vote reaches every browser in the room of the same instance', async () => {
  const a = await instance(database);
  const { meeting, q } = await openMeeting(database.db, 'TB-DT-1', false);
  const viewer = new Client(a.app);
  await viewer.login('0912000201');
  const s = stream(`${a.url}/meetings/${meeting.id}/live`, cookieOf(viewer));
  await s.ready;
  const first = s.events[0]!;
  assert.equal(first.questions.find((x) => x.id === q.id)?.answered, 0);
  await vote(a.app, '0912000301', meeting.id, q.id, 'agree');
  const got = await s.next((e) => e.questions.find((x) => x.id === q.id)?.answered === 1);
  assert.equal(got.questions.find((x) => x.id === q.id)?.counts?.agree, 1);
  s.close();
});

test('a secret ballot moves only the number of ballots', async () => {
  const a = instances[0] ?? (await instance(database));
  const { meeting, q } = await openMeeting(database.db, 'TB-DT-2', true);
  const viewer = new Client(a.app);
  await viewer.login('0912000202');
  const s = stream(`${a.url}/meetings/${meeting.id}/live`, cookieOf(viewer));
  await s.ready;
  await vote(a.app, '0912000202', meeting.id, q.id, 'disagree');
  const got = await s.next((e) => e.questions.find((x) => x.id === q.id)?.answered === 1);
  assert.equal(got.questions.find((x) => x.id === q.id)?.counts, null);
  s.close();
});

test('a member of another cell cannot open the room\'s stream', async () => {
  const a = instances[0] ?? (await instance(database));
  const { meeting } = await openMeeting(database.db, 'TB-PK-1', false);
  const outsider = new Client(a.app);
  await outsider.login('0912000301');
  const status = await new Promise<number>((resolve) => http.get(`${a.url}/meetings/${meeting.id}/live`, { headers: { cookie: cookieOf(outsider) } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))));
  assert.equal(status, 403);
});

test('two instances on different ports sharing one PostgreSQL: a vote cast on one appears live on the other, both ways', { skip: onPostgres ? false : 'needs two app instances on one database server: the embedded database (PGlite) is opened by one process at a time, so LISTEN/NOTIFY across instances is tested in the PostgreSQL pass' }, async () => {
  const a = instances[0] ?? (await instance(database));
  const second = await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 4 });
  extraDatabases.push(second);
  const b = await instance(second);
  assert.notEqual(a.url, b.url);
  const { meeting, q } = await openMeeting(database.db, 'TB-PK-3', false);
  const onA = new Client(a.app);
  await onA.login('0912000204');
  const onB = new Client(b.app);
  await onB.login('0912000304');
  const sa = stream(`${a.url}/meetings/${meeting.id}/live`, cookieOf(onA));
  const sb = stream(`${b.url}/meetings/${meeting.id}/live`, cookieOf(onB));
  await Promise.all([sa.ready, sb.ready]);
  await vote(a.app, '0912000304', meeting.id, q.id, 'agree');
  const seenOnB = await sb.next((e) => e.questions.find((x) => x.id === q.id)?.answered === 1);
  assert.equal(seenOnB.questions.find((x) => x.id === q.id)?.counts?.agree, 1);
  await vote(b.app, '0912000204', meeting.id, q.id, 'disagree');
  const seenOnA = await sa.next((e) => e.questions.find((x) => x.id === q.id)?.answered === 2);
  assert.deepEqual([seenOnA.questions.find((x) => x.id === q.id)?.counts?.agree, seenOnA.questions.find((x) => x.id === q.id)?.counts?.disagree], [1, 1]);
  sa.close();
  sb.close();
});

test('shutting an instance down ends the streams it holds open (browsers reconnect to another instance)', async () => {
  const own = await testDatabase({ demo: true });
  extraDatabases.push(own);
  const { app, jobs } = await createServer(testConfig(), { database: own, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const { meeting } = await openMeeting(own.db, 'TB-VP-1', false);
  const viewer = new Client(app);
  await viewer.login('0912000205');
  const s = stream(`${url}/meetings/${meeting.id}/live`, cookieOf(viewer));
  await s.ready;
  await jobs.stop();
  await app.close();
  await s.ended;
});
