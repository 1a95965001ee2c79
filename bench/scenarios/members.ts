// subtree-150k and cell-members: the members list through the real route
// GET /api/v1/units/:id/members (session cookie, actor, policy, the unit loaded, listMembers,
// a policy check per row, zod serialisation) against a bare Fastify route in the same process
// that looks the unit up and runs the same SQL text (the statement listMembers generates)
// straight through the driver and returns the same JSON shape.
import Fastify, { type FastifyInstance } from 'fastify';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { createAccount, grantRole } from '../../src/core/auth/accounts.ts';
import { hashPassword } from '../../src/core/auth/password.ts';
import { createPerson } from '../../src/people/members.ts';
import type { SyntheticProvince, SyntheticUnit } from '../../src/core/synthetic/generator.ts';
import { clientIp, InjectClient, rawQuery, type BenchEnv } from '../lib/env.ts';
import { latencyFields, paired, type ResultLine } from '../lib/stats.ts';

const COLUMNS = `"people"."id", "people"."full_name", "people"."birth_date", "people"."gender", "people"."phone", "people"."phone_kind", "people"."email", "members"."card_number", "members"."unit_id", "units"."name", "members"."temporary_unit_id", "members"."position", "members"."standing", "members"."joined_on", "members"."official_on", "members"."exempt", "members"."status"`;
const FROM = `from "members" inner join "people" on "people"."id" = "members"."person_id" inner join "units" on "units"."id" = "members"."unit_id"`;
/** What listMembers({ subtreePath, limit }) sends (Drizzle's text, checked against the app's answer before timing). */
export const SUBTREE_SQL = `select ${COLUMNS} ${FROM} where ("units"."path" like $1 and "members"."status" in ($2, $3, $4)) order by "people"."sort_key" asc, "people"."id" asc limit $5`;
/** What listMembers({ cellId, limit }) sends. */
export const CELL_SQL = `select ${COLUMNS} ${FROM} where (("members"."unit_id" = $1 or "members"."temporary_unit_id" = $2) and "members"."status" in ($3, $4, $5)) order by "people"."sort_key" asc, "people"."id" asc limit $6`;
const CURRENT = ['active', 'temporarily_transferred', 'suspended'];
/** The route's page size. */
const LIMIT = 5000;

type Row = Record<string, unknown> & { id: number; full_name: string; position: string | null };

function present(r: Row) {
  return {
    personId: r.id,
    fullName: r.full_name,
    position: r.position,
    record: {
      personId: r.id,
      fullName: r.full_name,
      birthDate: r.birth_date,
      gender: r.gender,
      phone: r.phone,
      phoneKind: r.phone_kind,
      email: r.email,
      cardNumber: r.card_number,
      unitId: r.unit_id,
      unitName: r.name,
      temporaryUnitId: r.temporary_unit_id,
      position: r.position,
      standing: r.standing,
      joinedOn: r.joined_on,
      officialOn: r.official_on,
      exempt: r.exempt,
      status: r.status,
    },
  };
}

/** The baseline: Fastify with one route and nothing else. */
async function bareApp(env: BenchEnv): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/units/:id/members', async (req, reply) => {
    const id = Number(req.params.id);
    const [unit] = await rawQuery<{ id: number; kind: string; path: string }>(env.database, 'select id, kind, path from units where id = $1', [id]);
    if (!unit) return reply.code(404).send({ error: 'not found' });
    const rows =
      unit.kind === 'cell'
        ? await rawQuery<Row>(env.database, CELL_SQL, [unit.id, unit.id, ...CURRENT, LIMIT])
        : await rawQuery<Row>(env.database, SUBTREE_SQL, [`${unit.path}%`, ...CURRENT, LIMIT]);
    return { members: rows.map(present) };
  });
  await app.ready();
  return app;
}

type Fixtures = { adminLogin: string; password: string };
const fixtures = new WeakMap<BenchEnv, Promise<Fixtures>>();

/** An administrator of the province (Ban Tổ chức), with a real password, created once per database. */
function provinceAdmin(env: BenchEnv, province: SyntheticProvince): Promise<Fixtures> {
  let f = fixtures.get(env);
  if (!f) {
    f = (async () => {
      const password = 'Bench-quantri-2021';
      const passwordHash = await hashPassword(password);
      await env.database.db.transaction(async (tx) => {
        const person = await createPerson(tx, SYSTEM_CONTEXT, { fullName: 'Quản trị Đo Hiệu Năng', birthDate: '1980-01-01', gender: 'male', phone: null, email: null, phoneKind: 'smartphone' });
        const account = await createAccount(tx, SYSTEM_CONTEXT, { personId: person.id, username: 'bench.quantri', passwordHash, mustChangePassword: false });
        await grantRole(tx, SYSTEM_CONTEXT, { accountId: account.id, role: 'unit_admin', unitId: province.root.id });
      });
      return { adminLogin: 'bench.quantri', password };
    })();
    fixtures.set(env, f);
  }
  return f;
}

const membersUnder = (province: SyntheticProvince, unit: SyntheticUnit) => province.cells.filter((c) => c.path.startsWith(unit.path)).reduce((s, c) => s + c.members.count, 0);
const largest = (province: SyntheticProvince, units: SyntheticUnit[]) => units.reduce((best, u) => (membersUnder(province, u) > membersUnder(province, best) ? u : best));

async function compare(env: BenchEnv, opts: { client: InjectClient; bare: FastifyInstance; unitId: number; warmup: number; minN: number; maxN: number; budgetMs: number }) {
  const url = `/api/v1/units/${opts.unitId}/members`;
  const viaApp = async () => {
    const res = await opts.client.request('GET', url);
    if (res.statusCode !== 200) throw new Error(`bench: ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    return res;
  };
  const viaBare = async () => {
    const res = await opts.bare.inject({ method: 'GET', url: `/units/${opts.unitId}/members` });
    if (res.statusCode !== 200) throw new Error(`bench: bare route answered ${res.statusCode}`);
    return res;
  };
  // Same SQL, same answer: the baseline is only a baseline if it returns what the app returns.
  const ids = (body: string) => (JSON.parse(body) as { members: { personId: number; record?: unknown }[] }).members.map((m) => m.personId);
  const [a, b] = [await viaApp(), await viaBare()];
  const appIds = ids(a.body);
  if (JSON.stringify(appIds) !== JSON.stringify(ids(b.body))) throw new Error(`bench: the bare route and the app disagree on unit ${opts.unitId}`);
  if (!(JSON.parse(a.body) as { members: { record?: unknown }[] }).members.every((m) => m.record)) throw new Error('bench: the app did not return full records');
  const r = await paired(opts, viaApp, viaBare);
  return { ...latencyFields(r.app, r.baseline), n: r.n, rows: appIds.length, bytes: a.body.length };
}

export async function subtree(env: BenchEnv): Promise<ResultLine[]> {
  const province = await env.province();
  const { adminLogin, password } = await provinceAdmin(env, province);
  const bare = await bareApp(env);
  const out: ResultLine[] = [];
  try {
    const levels: [string, SyntheticUnit][] = [
      ['commune', largest(province, province.communes)],
      ['district', largest(province, province.districts)],
      ['province', province.root],
    ];
    for (const [level, unit] of levels) {
      // A fresh app per level: the per-address limit (1,200 a minute) is for people, not for this loop.
      const { app, close } = await env.app();
      try {
        const client = new InjectClient(app, clientIp(60_000));
        await client.login(adminLogin, password);
        const r = await compare(env, { client, bare, unitId: unit.id, warmup: 3, minN: 15, maxN: 300, budgetMs: 12_000 });
        out.push({
          scenario: 'subtree-150k',
          db: env.kind,
          n: r.n,
          unit: level,
          subtree_members: membersUnder(province, unit),
          rows: r.rows,
          p50_ms: r.p50_ms,
          p95_ms: r.p95_ms,
          baseline_p50_ms: r.baseline_p50_ms,
          baseline_p95_ms: r.baseline_p95_ms,
          members: province.counts.members,
          cells: province.cells.length,
          generate_ms: province.generateMs,
        });
      } finally {
        await close();
      }
    }
  } finally {
    await bare.close();
  }
  return out;
}

export async function cellMembers(env: BenchEnv): Promise<ResultLine[]> {
  const province = await env.province();
  // The secretary of a cell of median size, listing their own cell.
  const bySize = [...province.cells].sort((x, y) => x.members.count - y.members.count || x.id - y.id);
  const cell = bySize[Math.floor(bySize.length / 2)]!;
  const secretary = province.secretaries.find((s) => s.cellId === cell.id)!;
  const [person] = await rawQuery<{ phone: string }>(env.database, 'select phone from people where id = $1', [secretary.personId]);
  const password = 'Bench-bithu-2021';
  await rawQuery(env.database, 'update accounts set password_hash = $1, must_change_password = false where id = $2', [await hashPassword(password), secretary.accountId]);
  const bare = await bareApp(env);
  const { app, close } = await env.app();
  try {
    const client = new InjectClient(app, clientIp(60_001));
    await client.login(person!.phone, password);
    const r = await compare(env, { client, bare, unitId: cell.id, warmup: 20, minN: 50, maxN: 500, budgetMs: 8_000 });
    return [{ scenario: 'cell-members', db: env.kind, n: r.n, rows: r.rows, p50_ms: r.p50_ms, p95_ms: r.p95_ms, baseline_p50_ms: r.baseline_p50_ms, baseline_p95_ms: r.baseline_p95_ms, members: province.counts.members }];
  } finally {
    await close();
    await bare.close();
  }
}
