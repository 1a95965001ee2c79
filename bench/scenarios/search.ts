// search-100k (PostgreSQL) and search-10k (PGlite): full-text search of the document library
// through the real route GET /api/v1/documents?q=… as the province office's clerk (session,
// actor, policy scope, searchLibrary's two statements — ranked rows with ts_headline snippets,
// then the capped count —, zod serialisation) against the same two SQL statements sent straight
// through the driver in the same process. Documents come from the shared generator's documents
// extension (src/documents/synthetic.ts): 2–4 KB bodies cut from the seed texts, registered in
// the synthetic province's units.
import { PgDialect } from 'drizzle-orm/pg-core';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { createAccount, grantRole } from '../../src/core/auth/accounts.ts';
import { hashPassword } from '../../src/core/auth/password.ts';
import { loadActor } from '../../src/core/auth/actor.ts';
import { libraryScope } from '../../src/core/policy/policy.ts';
import { createPerson } from '../../src/people/members.ts';
import { generateDocuments } from '../../src/documents/synthetic.ts';
import { cleanQuery, SEARCH_SETTINGS, searchStatements, type LibraryFilters } from '../../src/documents/search.ts';
import { clientIp, InjectClient, type BenchEnv } from '../lib/env.ts';
import { latencyFields, paired, type ResultLine } from '../lib/stats.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const dialect = new PgDialect();

type Case = { label: string; filters: LibraryFilters };
type RawQuery = <T>(text: string, params: unknown[]) => Promise<T[]>;

/** A transaction straight on the driver: one pooled connection (pg), or PGlite's own. */
async function rawTransaction<T>(env: BenchEnv, fn: (query: RawQuery) => Promise<T>): Promise<T> {
  if (env.kind === 'postgres') {
    const c = await env.database.pool!.connect();
    try {
      await c.query('begin');
      const out = await fn(async <R>(text: string, params: unknown[]) => (await c.query(text, params)).rows as R[]);
      await c.query('commit');
      return out;
    } catch (e) {
      await c.query('rollback').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }
  return env.database.pglite!.transaction((tx) => fn(async <R>(text: string, params: unknown[]) => (await tx.query<R>(text, params)).rows));
}

async function searchScenario(env: BenchEnv, scenario: string, count: number): Promise<ResultLine[]> {
  const province = await env.province();
  // The province office's clerk: sees every document registered in the province.
  const password = 'Bench-vanthu-2021';
  const accountId = await env.database.db.transaction(async (tx) => {
    const person = await createPerson(tx, SYSTEM_CONTEXT, { fullName: 'Văn Thư Đo Hiệu Năng', birthDate: '1985-01-01', gender: 'female', phone: null, email: null, phoneKind: 'smartphone' });
    const account = await createAccount(tx, SYSTEM_CONTEXT, { personId: person.id, username: `bench.vanthu.${scenario}`, passwordHash: await hashPassword(password), mustChangePassword: false });
    await grantRole(tx, SYSTEM_CONTEXT, { accountId: account.id, role: 'office_clerk', unitId: province.root.id });
    return account.id;
  });
  log(`${env.kind}: generating ${count.toLocaleString('en')} documents…`);
  let shown = 0;
  const docs = await generateDocuments(env.database.db, env.kind, {
    count,
    unitIds: [province.root.id, ...province.districts.map((d) => d.id), ...province.communes.map((c) => c.id)],
    seed: 2021,
    onProgress: (done, total) => {
      if (done >= shown + total / 5) {
        shown = done;
        log(`${env.kind}:   ${Math.round((done / total) * 100)}% of the documents`);
      }
    },
  });
  log(`${env.kind}: ${docs.count} documents (bodies ${docs.bytes.min}–${docs.bytes.max} bytes, mean ${docs.bytes.mean}), ${docs.entries} register entries, ${docs.words} search words, in ${(docs.ms / 1000).toFixed(1)} s`);
  const stateNumber = docs.sampleNumbers.find((n) => /^\d+\/TB-/.test(n)) ?? docs.sampleNumbers[0]!;
  const cases: Case[] = [
    { label: 'có dấu', filters: { q: 'cách ly tập trung' } },
    { label: 'không dấu', filters: { q: 'cach ly tap trung' } },
    { label: 'cụm dài, không dấu', filters: { q: 'bau cu dai bieu quoc hoi' } },
    { label: 'số ký hiệu', filters: { q: stateNumber } },
    { label: 'số, cách nhau', filters: { q: stateNumber.replace(/[/-]/g, ' ') } },
    { label: 'có lọc', filters: { q: 'phong chong dich', kind: 'cong_dien', year: 2021 } },
  ];
  const actor = (await loadActor(env.database.db, accountId))!;
  const scope = libraryScope(actor);
  const { app, close } = await env.app();
  const out: ResultLine[] = [];
  try {
    const client = new InjectClient(app, clientIp(70_000));
    await client.login(`bench.vanthu.${scenario}`, password);
    for (const c of cases) {
      const qs = new URLSearchParams(Object.entries(c.filters).map(([k, v]) => [k, String(v)])).toString();
      const viaApp = async () => {
        const res = await client.request('GET', `/api/v1/documents?${qs}`);
        if (res.statusCode !== 200) throw new Error(`bench: search answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
        return JSON.parse(res.body) as { documents: { id: number }[]; total: number };
      };
      // The same statements searchLibrary sends: in a transaction with its settings, the count, then the rows.
      const q = cleanQuery(c.filters.q);
      const settings = dialect.sqlToQuery(SEARCH_SETTINGS).sql;
      const countQ = dialect.sqlToQuery(searchStatements(scope, c.filters, q, 1, 20).count);
      const narrowQ = dialect.sqlToQuery(searchStatements(scope, c.filters, q, 1, 20, false).rows);
      const broadQ = dialect.sqlToQuery(searchStatements(scope, c.filters, q, 1, 20, true).rows);
      const viaSql = () =>
        rawTransaction(env, async (query) => {
          await query(settings, []);
          const n = Number((await query<{ n: number | string }>(countQ.sql, countQ.params))[0]!.n);
          const rowsQ = n > 1000 ? broadQ : narrowQ;
          const rows = await query<{ id: number }>(rowsQ.sql, rowsQ.params);
          return { ids: rows.slice(0, 20).map((r) => Number(r.id)), total: Math.min(1000, n) };
        });
      // The baseline is a baseline only if it answers what the app answers.
      const [a, b] = [await viaApp(), await viaSql()];
      if (JSON.stringify(a.documents.map((d) => d.id)) !== JSON.stringify(b.ids) || a.total !== b.total) throw new Error(`bench: the app and the raw SQL disagree on "${c.label}"`);
      if (a.documents.length === 0) throw new Error(`bench: "${c.label}" found nothing`);
      const r = await paired({ warmup: 3, minN: 15, maxN: 200, budgetMs: 8_000 }, viaApp, viaSql);
      out.push({ scenario, db: env.kind, n: r.n, query: c.label, q: qs, rows: a.total, page_rows: a.documents.length, ...latencyFields(r.app, r.baseline), documents: docs.count, generate_ms: docs.ms });
    }
  } finally {
    await close();
  }
  return out;
}

export async function search100k(env: BenchEnv): Promise<ResultLine[]> {
  if (env.kind !== 'postgres') {
    log(`${env.kind}: search-100k runs on PostgreSQL only (search-10k is the embedded database's)`);
    return [];
  }
  return searchScenario(env, 'search-100k', 100_000);
}

export async function search10k(env: BenchEnv): Promise<ResultLine[]> {
  if (env.kind !== 'pglite') {
    log(`${env.kind}: search-10k runs on PGlite only (search-100k is PostgreSQL's)`);
    return [];
  }
  return searchScenario(env, 'search-10k', 10_000);
}
