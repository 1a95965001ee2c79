// board-directive-4000 and report-rollup-90d (PostgreSQL): the follow-up board of one directive
// assigned to every cell of the synthetic province (4,000 units), and the province's roll-up of
// the daily COVID-19 report from every commune over 90 days — each through the real app as the
// province office's clerk (session, actor, policy, the feature's queries, "quá hạn" computed per
// task, the page rendered, or the JSON serialised) against the same SQL statements (rendered by
// Drizzle's dialect from the functions the app uses) sent straight through the driver by a bare
// Fastify route in the same process. Data comes from the shared generator's extensions
// (src/tasks/synthetic.ts, src/reports/synthetic.ts).
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { createAccount, grantRole } from '../../src/core/auth/accounts.ts';
import { hashPassword } from '../../src/core/auth/password.ts';
import { createPerson } from '../../src/people/members.ts';
import { parseDocumentsWithText } from '../../src/documents/parser/index.ts';
import { registerDocument } from '../../src/documents/documents.ts';
import { valuesFromParsed } from '../../src/documents/intake.ts';
import { validateDocument } from '../../src/documents/validation.ts';
import { SEEDS_DIR } from '../../src/documents/demo.ts';
import { boardStatements } from '../../src/tasks/board.ts';
import { generateDirectiveTasks } from '../../src/tasks/synthetic.ts';
import { generateReportHistory } from '../../src/reports/synthetic.ts';
import { trendStatement } from '../../src/reports/rollup.ts';
import { COVID_TEMPLATE } from '../../src/reports/definition.ts';
import { addDays } from '../../src/tasks/deadline.ts';
import { clientIp, InjectClient, rawQuery, type BenchEnv } from '../lib/env.ts';
import { latencyFields, paired, type ResultLine } from '../lib/stats.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const dialect = new PgDialect();
const raw = (env: BenchEnv, q: SQL) => {
  const { sql, params } = dialect.sqlToQuery(q);
  return rawQuery<Record<string, unknown>>(env.database, sql, params);
};

type Fixtures = { login: string; password: string; accountId: number };
const clerks = new WeakMap<BenchEnv, Promise<Fixtures>>();

/** The province office's clerk, with a real password, made once per database. */
function provinceClerk(env: BenchEnv): Promise<Fixtures> {
  let f = clerks.get(env);
  if (!f) {
    f = (async () => {
      const province = await env.province();
      const password = 'Bench-vanthu-tasks-2021';
      const login = 'bench.vanthu.tasks';
      const passwordHash = await hashPassword(password);
      const accountId = await env.database.db.transaction(async (tx) => {
        const person = await createPerson(tx, SYSTEM_CONTEXT, { fullName: 'Văn Thư Theo Dõi', birthDate: '1986-05-01', gender: 'female', phone: null, email: null, phoneKind: 'smartphone' });
        const account = await createAccount(tx, SYSTEM_CONTEXT, { personId: person.id, username: login, passwordHash, mustChangePassword: false });
        await grantRole(tx, SYSTEM_CONTEXT, { accountId: account.id, role: 'office_clerk', unitId: province.root.id });
        return account.id;
      });
      return { login, password, accountId };
    })();
    clerks.set(env, f);
  }
  return f;
}

/** Seed 001 (the Tỉnh ủy's Công điện), registered as an outgoing document of the synthetic province. */
async function registerCongDien(env: BenchEnv, unitId: number): Promise<number> {
  const file = fs.readdirSync(SEEDS_DIR).find((f) => f.startsWith('001_'))!;
  const [found] = parseDocumentsWithText(fs.readFileSync(path.join(SEEDS_DIR, file), 'utf8'));
  const values = valuesFromParsed(found!.document, found!.text, 'outgoing', '2021-12-31');
  Object.assign(values, { entryDate: '26/08/2021', issuer: 'Tỉnh ủy (tổng hợp)', subject: 'Về tăng cường các biện pháp cấp bách phòng, chống dịch Covid-19', number: '1001-CĐ/TU', kind: 'cong_dien', date: '26/08/2021' });
  const v = validateDocument({ ...values, receivedStamp: null }, 'vi', '2021-12-31');
  if (!v.ok) throw new Error(`bench: seed 001: ${JSON.stringify(v.errors)}`);
  const r = await registerDocument(env.database.db, SYSTEM_CONTEXT, { unitId, input: v.value });
  return r.document.id;
}

async function bare(build: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  build(app);
  await app.ready();
  return app;
}

const pg = (env: BenchEnv, scenario: string) => {
  if (env.kind === 'postgres') return true;
  log(`${env.kind}: ${scenario} runs on PostgreSQL only`);
  return false;
};

export async function boardDirective4000(env: BenchEnv): Promise<ResultLine[]> {
  if (!pg(env, 'board-directive-4000')) return [];
  const province = await env.province();
  const clerk = await provinceClerk(env);
  const documentId = await registerCongDien(env, province.root.id);
  const made = await generateDirectiveTasks(env.database.db, env.kind, {
    documentId,
    assigningUnitId: province.root.id,
    cells: province.cells.map((c) => ({ id: c.id, parentId: c.parentId })),
    districts: province.districts,
    communes: province.communes.map((c) => ({ id: c.id, parentId: c.parentId })),
    authorAccountIds: province.secretaries.slice(0, 500).map((s) => s.accountId),
    now: new Date(),
  });
  log(`${env.kind}: ${made.tasks} tasks (${made.topLevel} top-level), ${made.supports} supporting units, ${made.reports} progress reports in ${(made.ms / 1000).toFixed(1)} s`);
  const q = boardStatements(documentId);
  const baseline = await bare((app) => {
    app.get('/board', async () => {
      const [tasks, supports, reports] = [await raw(env, q.tasks), await raw(env, q.supports), await raw(env, q.reports)];
      return { tasks, supports, reports };
    });
  });
  const { app, close } = await env.app();
  const out: ResultLine[] = [];
  try {
    const client = new InjectClient(app, clientIp(71_000));
    await client.login(clerk.login, clerk.password);
    const viaApp = (url: string, type: RegExp) => async () => {
      const res = await client.request('GET', url);
      if (res.statusCode !== 200 || !type.test(String(res.headers['content-type']))) throw new Error(`bench: ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      return res;
    };
    const viaBaseline = async () => JSON.parse((await baseline.inject({ method: 'GET', url: '/board' })).body) as { tasks: { parent_id: number | null }[] };
    // Same data on both sides: the page counts the top-level tasks the baseline returns.
    const page = await viaApp(`/tasks/documents/${documentId}`, /html/)();
    const base = await viaBaseline();
    const top = base.tasks.filter((t) => t.parent_id == null).length;
    if (!page.body.includes(`${top} nhiệm vụ:`) || base.tasks.length !== made.tasks) throw new Error(`bench: the board shows other tasks than the baseline (${top} top-level, ${base.tasks.length} in all)`);
    for (const [format, url, type] of [
      ['html', `/tasks/documents/${documentId}`, /html/],
      ['xlsx', `/tasks/documents/${documentId}/board.xlsx`, /spreadsheetml/],
    ] as const) {
      const r = await paired({ warmup: 3, minN: 15, maxN: 80, budgetMs: 25_000 }, viaApp(url, type), viaBaseline);
      out.push({ scenario: 'board-directive-4000', db: env.kind, n: r.n, format, ...latencyFields(r.app, r.baseline), rows: made.tasks, units: top, reports: made.reports });
    }
  } finally {
    await close();
    await baseline.close();
  }
  return out;
}

export async function reportRollup90d(env: BenchEnv): Promise<ResultLine[]> {
  if (!pg(env, 'report-rollup-90d')) return [];
  const province = await env.province();
  const clerk = await provinceClerk(env);
  const lastDay = '2025-06-30';
  const made = await generateReportHistory(env.database.db, env.kind, { ownerUnitId: province.root.id, communes: province.communes, lastDay, days: 90 });
  log(`${env.kind}: ${made.submissions} submissions from ${province.communes.length} communes over 90 days (${made.late} late, ${made.missing} missing, ${made.corrected} corrected) in ${(made.ms / 1000).toFixed(1)} s`);
  const template = { id: made.templateId, fields: COVID_TEMPLATE.fields };
  const trendQ = trendStatement(template, province.root.path, made.firstDay, lastDay);
  const baseline = await bare((app) => {
    app.get('/trend', async () => ({ points: await raw(env, trendQ) }));
  });
  const { app, close } = await env.app();
  const out: ResultLine[] = [];
  try {
    const client = new InjectClient(app, clientIp(72_000));
    await client.login(clerk.login, clerk.password);
    const api = `/api/v1/reports/${made.templateId}/units/${province.root.id}/trend?from=${made.firstDay}&to=${lastDay}`;
    const page = `/reports/${made.templateId}/units/${province.root.id}?period=${lastDay}&range=90&field=tested_24h`;
    const viaApp = (url: string) => async () => {
      const res = await client.request('GET', url);
      if (res.statusCode !== 200) throw new Error(`bench: ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      return res;
    };
    const viaBaseline = async () => JSON.parse((await baseline.inject({ method: 'GET', url: '/trend' })).body) as { points: { period: string; n: string | number; f4: string | number }[] };
    // Same figures on both sides before timing.
    const fromApp = JSON.parse((await viaApp(api)()).body) as { points: { period: string; submitted: number; totals: Record<string, number> }[] };
    const fromBase = await viaBaseline();
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    if (fromApp.points.length !== 90 || sum(fromApp.points.map((p) => p.submitted)) !== made.submissions - made.corrected || sum(fromApp.points.map((p) => p.totals.tested_24h ?? 0)) !== sum(fromBase.points.map((p) => Number(p.f4)))) {
      throw new Error('bench: the roll-up and the baseline disagree');
    }
    if (addDays(made.firstDay, 89) !== lastDay) throw new Error('bench: 90 days expected');
    for (const [format, url] of [
      ['api', api],
      ['html', page],
    ] as const) {
      const r = await paired({ warmup: 3, minN: 20, maxN: 150, budgetMs: 20_000 }, viaApp(url), viaBaseline);
      out.push({ scenario: 'report-rollup-90d', db: env.kind, n: r.n, format, ...latencyFields(r.app, r.baseline), rows: made.submissions, units: province.communes.length, days: 90 });
    }
  } finally {
    await close();
    await baseline.close();
  }
  return out;
}
