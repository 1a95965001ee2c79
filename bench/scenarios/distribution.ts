// publish-province, rollup-province and home-member: distribution on the synthetic province with
// a year of publications (1,000, a tenth on PGlite) and their read confirmations (2 million, a
// tenth on PGlite), through the real routes, against the same statements sent straight through
// the driver in the same process.
import { PgDialect } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { createAccount, grantRole } from '../../src/core/auth/accounts.ts';
import { loadActor } from '../../src/core/auth/actor.ts';
import { hashPassword } from '../../src/core/auth/password.ts';
import type { Database } from '../../src/core/db/client.ts';
import type { SyntheticProvince } from '../../src/core/synthetic/generator.ts';
import { createPerson } from '../../src/people/members.ts';
import { getPublication, pendingCountQuery, rollupSql } from '../../src/distribution/publications.ts';
import { distributionCounts, generatePublications, type SyntheticPublications } from '../../src/distribution/synthetic.ts';
import { clientIp, InjectClient, rawQuery, type BenchEnv } from '../lib/env.ts';
import { latencyFields, paired, type ResultLine } from '../lib/stats.ts';

const dialect = new PgDialect();
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

type Fixtures = { province: SyntheticProvince & { generateMs: number }; pubs: SyntheticPublications; publisher: { login: string; password: string }; member: { phone: string; password: string; accountId: number } };
const fixtures = new WeakMap<BenchEnv, Promise<Fixtures>>();

/** The publications and confirmations, a committee member of the province and a member who can log in: made once per database. */
function distributionFixtures(env: BenchEnv): Promise<Fixtures> {
  let f = fixtures.get(env);
  if (!f) {
    f = (async () => {
      const province = await env.province();
      const scale = province.counts.members / 150_000;
      // A year of a province's publishing whatever its size; the confirmations scale with the members.
      const publications = 1000;
      const reads = Math.round(2_000_000 * scale);
      log(`${env.kind}: generating ${publications} publications and about ${reads.toLocaleString('en')} read confirmations…`);
      const pubs = await generatePublications(env.database.db, env.kind, province, { publications, reads });
      const c = await distributionCounts(env.database.db);
      log(`${env.kind}: generated in ${(pubs.ms / 1000).toFixed(1)} s — publications ${c.publications}, audience rows ${c.audience}, read confirmations ${c.reads}`);
      const password = 'Bench-capuy-2021';
      const hash = await hashPassword(password);
      await env.database.db.transaction(async (tx) => {
        const person = await createPerson(tx, SYSTEM_CONTEXT, { fullName: 'Cấp Ủy Đo Hiệu Năng', birthDate: '1975-01-01', gender: 'female', phone: null, email: null, phoneKind: 'smartphone' });
        const account = await createAccount(tx, SYSTEM_CONTEXT, { personId: person.id, username: 'bench.capuy', passwordHash: hash, mustChangePassword: false });
        await grantRole(tx, SYSTEM_CONTEXT, { accountId: account.id, role: 'committee_member', unitId: province.root.id });
      });
      // A member of a cell of median size, not its secretary, with a phone.
      const bySize = [...province.cells].sort((x, y) => x.members.count - y.members.count || x.id - y.id);
      const cell = bySize[Math.floor(bySize.length / 2)]!;
      let index = -1;
      for (let k = cell.members.first + 1; k < cell.members.first + cell.members.count && index < 0; k++) {
        const [p] = await rawQuery<{ phone: string | null }>(env.database, 'select phone from people where id = $1', [province.personIds[k]]);
        if (p?.phone) index = k;
      }
      if (index < 0) throw new Error('bench: no member with a phone in the median cell');
      const [person] = await rawQuery<{ phone: string }>(env.database, 'select phone from people where id = $1', [province.personIds[index]]);
      const memberPassword = 'Bench-dangvien-2021';
      await rawQuery(env.database, 'update accounts set password_hash = $1, must_change_password = false where id = $2', [await hashPassword(memberPassword), province.accountIds[index]]);
      return { province, pubs, publisher: { login: 'bench.capuy', password }, member: { phone: person!.phone, password: memberPassword, accountId: province.accountIds[index]! } };
    })();
    fixtures.set(env, f);
  }
  return f;
}

/** Statements in one transaction straight through the driver (pg pool client, or PGlite). */
async function rawTransaction(database: Database, statements: { text: string; params: unknown[] }[]): Promise<void> {
  if (database.kind === 'postgres') {
    const c = await database.pool!.connect();
    try {
      await c.query('begin');
      for (const s of statements) await c.query(s.text, s.params);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
    return;
  }
  await database.pglite!.transaction(async (tx) => {
    for (const s of statements) await tx.query(s.text, s.params);
  });
}

async function withApp<T>(env: BenchEnv, login: string, password: string, ip: number, fn: (client: InjectClient, app: FastifyInstance) => Promise<T>): Promise<T> {
  const { app, close } = await env.app();
  try {
    const client = new InjectClient(app, clientIp(ip));
    await client.login(login, password);
    await client.request('GET', '/'); // the session's CSRF token, from a page's form
    return await fn(client, app);
  } finally {
    await close();
  }
}

export async function publishProvince(env: BenchEnv): Promise<ResultLine[]> {
  const f = await distributionFixtures(env);
  const { province } = f;
  const out: ResultLine[] = [];
  const cases: [string, number[]][] = [
    ['province', [province.root.id]],
    ['every-commune', province.communes.map((c) => c.id)],
  ];
  await withApp(env, f.publisher.login, f.publisher.password, 61_000, async (client, app) => {
    for (const [audience, unitIds] of cases) {
      let i = 0;
      const body = () => JSON.stringify({ unitId: province.root.id, announcement: { title: `Công điện đo hiệu năng ${++i}`, body: 'Triển khai đến các chi bộ trong toàn Đảng bộ tỉnh.' }, audienceUnitIds: unitIds, requirement: 'read', confirm: true });
      const viaApp = async () => {
        const res = await app.inject({ method: 'POST', url: '/api/v1/publications', payload: body(), remoteAddress: clientIp(61_000), headers: { 'content-type': 'application/json', 'x-csrf-token': client.csrf, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
        if (res.statusCode !== 201) throw new Error(`bench: publish answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      };
      // The same rows written straight through the driver: the publication, its audience, the audit entry.
      const viaRaw = async () => {
        const values = unitIds.map((_, k) => `(currval(pg_get_serial_sequence('publications', 'id')), $${k + 1}, 'all')`).join(', ');
        await rawTransaction(env.database, [
          { text: `insert into publications (unit_id, title, body, requirement, audience_role, published_by) values ($1, $2, $3, 'read', 'all', null)`, params: [province.root.id, `Công điện đo hiệu năng (baseline) ${++i}`, 'Triển khai đến các chi bộ trong toàn Đảng bộ tỉnh.'] },
          { text: `insert into publication_audience (publication_id, unit_id, audience_role) values ${values}`, params: unitIds },
          { text: `insert into audit_log (action, entity_type, entity_id, unit_id, after) values ('publication.publish', 'publication', currval(pg_get_serial_sequence('publications', 'id'))::text, $1, $2::jsonb)`, params: [province.root.id, JSON.stringify({ audience: unitIds })] },
        ]);
      };
      const r = await paired({ warmup: 3, minN: 20, maxN: 200, budgetMs: 8_000 }, viaApp, viaRaw);
      out.push({ scenario: 'publish-province', db: env.kind, n: r.n, unit: audience, subtree_members: province.counts.members, rows: 2 + unitIds.length, audience_units: unitIds.length, reached_members: province.counts.members, rows_written: 2 + unitIds.length, ...latencyFields(r.app, r.baseline), members: province.counts.members });
    }
  });
  return out;
}

export async function rollupProvince(env: BenchEnv): Promise<ResultLine[]> {
  const f = await distributionFixtures(env);
  const { province } = f;
  const best = [...f.pubs.provinceWide].sort((a, b) => b.reads - a.reads)[0]!;
  const pub = await getPublication(env.database.db, best.id);
  const out: ResultLine[] = [];
  await withApp(env, f.publisher.login, f.publisher.password, 61_001, async (client) => {
    for (const [by, levels] of [['district', 1], ['district-and-commune', 2]] as const) {
      const url = `/api/v1/publications/${best.id}/rates?unit=${province.root.id}&levels=${levels}`;
      let rows = 0;
      let total = 0;
      const viaApp = async () => {
        const res = await client.request('GET', url);
        if (res.statusCode !== 200) throw new Error(`bench: ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        const body = JSON.parse(res.body) as { total: { read: number }; units: unknown[] };
        rows = body.units.length;
        total = body.total.read;
      };
      const q = dialect.sqlToQuery(rollupSql(pub, { path: province.root.path, depth: 0 }, levels));
      let rawRows: { unitId: number; read: number }[] = [];
      const viaRaw = async () => {
        rawRows = await rawQuery(env.database, q.sql, q.params);
      };
      await viaApp();
      await viaRaw();
      const rawTotal = rawRows.find((x) => Number(x.unitId) === province.root.id)?.read;
      if (rawRows.length !== rows + 1 || Number(rawTotal) !== total) throw new Error(`bench: the route and the raw statement disagree (${rows} + 1 vs ${rawRows.length} rows, ${total} vs ${rawTotal} read)`);
      const r = await paired({ warmup: 2, minN: 10, maxN: 100, budgetMs: 15_000 }, viaApp, viaRaw);
      out.push({ scenario: 'rollup-province', db: env.kind, n: r.n, unit: `province by ${by}`, subtree_members: province.counts.members, by, rows, read: total, expected_members: province.counts.members, publication_reads: best.reads, ...latencyFields(r.app, r.baseline), members: province.counts.members, publications: f.pubs.ids.length, reads_total: f.pubs.reads });
    }
  });
  return out;
}

export async function homeMember(env: BenchEnv): Promise<ResultLine[]> {
  const f = await distributionFixtures(env);
  const actor = (await loadActor(env.database.db, f.member.accountId))!;
  const query = pendingCountQuery(env.database.db, actor)!.toSQL();
  let pending = -1;
  const out: ResultLine[] = [];
  await withApp(env, f.member.phone, f.member.password, 61_002, async (client) => {
    const viaApp = async () => {
      const res = await client.request('GET', '/');
      if (res.statusCode !== 200) throw new Error(`bench: / answered ${res.statusCode}`);
    };
    const viaRaw = async () => {
      const [row] = await rawQuery<Record<string, unknown>>(env.database, query.sql, query.params);
      pending = Number(Object.values(row!)[0]);
    };
    await viaApp();
    await viaRaw();
    const page = await client.request('GET', '/');
    if (!page.body.includes('Văn bản mới')) throw new Error('bench: the home page has no "Văn bản mới" tile');
    const r = await paired({ warmup: 10, minN: 50, maxN: 500, budgetMs: 8_000 }, viaApp, viaRaw);
    const visible = await client.request('GET', '/api/v1/publications?filter=all');
    out.push({ scenario: 'home-member', db: env.kind, n: r.n, pending, bytes: page.body.length, ...latencyFields(r.app, r.baseline), members: f.province.counts.members, publications: f.pubs.ids.length, reads_total: f.pubs.reads, first_page: (JSON.parse(visible.body) as { publications: unknown[] }).publications.length });
  });
  return out;
}
