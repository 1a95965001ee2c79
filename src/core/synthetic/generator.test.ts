// The synthetic province: deterministic (same seed → same rows, on two databases), the counts it
// reports are the rows it wrote, the subtree queries find every member, names sort as
// Intl.Collator('vi'), logins stay disabled, and a second load of the same seed writes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { testDatabase, dbLabel, type TestDatabase } from '../../../test/kit/db.ts';
import { queryRows } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import { compareNames, foldVietnamese, nameSortKey } from '../text/vietnamese.ts';
import { countMembers, listMembers } from '../../people/members.ts';
import { candidateAccounts } from '../auth/login.ts';
import { apportion, copyField, generateProvince, planProvince, provinceName, type SyntheticProvince } from './generator.ts';

const SHAPE = { members: 1500, cells: 60, seed: 42 };

describe('planProvince (no database)', () => {
  test('the same options give the same plan; another seed another one', () => {
    assert.deepEqual(planProvince(SHAPE), planProvince(SHAPE));
    assert.notDeepEqual(planProvince(SHAPE).members.slice(0, 50), planProvince({ ...SHAPE, seed: 43 }).members.slice(0, 50));
  });

  test('shape: every cell has members, the counts add up, cards and phones are unique', () => {
    const p = planProvince({ members: 150_000, seed: 1 });
    assert.equal(p.cells.length, 4054); // 150,000 / 37
    assert.equal(p.districts.length, 8);
    assert.ok(p.communes.length > 200 && p.communes.length < 300);
    assert.equal(p.cells.reduce((s, c) => s + c.count, 0), 150_000);
    assert.ok(p.cells.every((c) => c.count >= 3));
    const cards = p.members.map((m) => m.cardNumber).filter(Boolean);
    assert.equal(new Set(cards).size, cards.length);
    const phones = p.members.map((m) => m.phone).filter(Boolean);
    assert.equal(new Set(phones).size, phones.length);
    assert.ok(phones.every((ph) => /^0\d{9}$/.test(ph!)));
    const share = (f: (m: (typeof p.members)[number]) => boolean) => p.members.filter(f).length / p.members.length;
    assert.ok(share((m) => m.exempt) > 0.03, 'some members are exempt');
    assert.ok(share((m) => m.phone === null) > 0.05, 'some members have no phone');
    assert.ok(share((m) => m.birthDate < '1950-01-01') > 0.05, 'some members are elderly');
    assert.ok(share((m) => m.standing === 'probationary') < 0.15);
    // One secretary per cell, the first member of the cell.
    assert.ok(p.cells.every((c) => p.members[c.first]!.secretary && p.members[c.first]!.phone));
    assert.equal(p.members.filter((m) => m.secretary).length, p.cells.length);
  });

  test('bad shapes are refused with a Vietnamese message', () => {
    assert.throws(() => planProvince({ members: 0 }), (e: unknown) => e instanceof DomainError && /đảng viên/.test(e.message));
    assert.throws(() => planProvince({ members: 10, cells: 11 }), (e: unknown) => e instanceof DomainError && /chi bộ/.test(e.message));
    assert.throws(() => planProvince({ members: 10, seed: -1 }), (e: unknown) => e instanceof DomainError && /Seed/.test(e.message));
  });

  test('apportion keeps the total and the minimum; copyField escapes COPY text', () => {
    const parts = apportion(100, [1, 2, 3, 0.1], 2);
    assert.equal(parts.reduce((s, x) => s + x, 0), 100);
    assert.ok(parts.every((x) => x >= 2));
    assert.equal(copyField(null), '\\N');
    assert.equal(copyField(true), 't');
    assert.equal(copyField('a\tb\\c\nd'), 'a\\tb\\\\c\\nd');
    assert.equal(copyField({ a: 1 }), '{"a":1}');
  });
});

const TABLES: [string, string][] = [
  ['units', 'id'],
  ['people', 'id'],
  ['members', 'person_id'],
  ['accounts', 'id'],
  ['role_assignments', 'id'],
  ['member_events', 'id'],
];
const VOLATILE = new Set(['created_at', 'updated_at', 'granted_at', 'recorded_at']);

async function snapshot(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of TABLES) {
    const rows = await queryRows<Record<string, unknown>>(db.db, sql.raw(`select * from ${table} order by ${key}`));
    out[table] = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.has(k))));
  }
  return out;
}

async function count(db: TestDatabase, query: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db.db, sql.raw(query));
  return Number(row!.n);
}

describe(`generateProvince on ${dbLabel()}`, () => {
  let a: TestDatabase;
  let b: TestDatabase;
  let made: SyntheticProvince;
  before(async () => {
    a = await testDatabase();
    b = await testDatabase();
    made = await generateProvince(a.db, a.kind, SHAPE);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  test('same seed into two databases → identical rows', async () => {
    const again = await generateProvince(b.db, b.kind, SHAPE);
    assert.deepEqual(again.counts, made.counts);
    assert.deepEqual(await snapshot(b), await snapshot(a));
  });

  test('the counts it reports are the rows it wrote, under one new root', async () => {
    const c = made.counts;
    assert.deepEqual(c, { units: 1 + made.districts.length + made.communes.length + 60, people: 1500, members: 1500, accounts: 1500, roles: 60, events: 1500 });
    assert.equal(made.root.name, provinceName(42));
    assert.equal(made.root.parentId, null);
    assert.equal(await count(a, `select count(*) n from units where path like '${made.root.path}%'`), c.units);
    assert.equal(await count(a, 'select count(*) n from people'), c.people);
    assert.equal(await count(a, 'select count(*) n from accounts where password_hash is null and not disabled'), c.accounts);
    assert.equal(await count(a, `select count(*) n from role_assignments where role = 'cell_secretary'`), c.roles);
    assert.equal(await count(a, `select count(*) n from member_events where kind = 'imported'`), c.events);
    assert.equal(await count(a, `select count(*) n from audit_log where action = 'member.import' and entity_id = '${made.root.id}'`), 1);
    assert.equal(made.personIds.length, 1500);
    assert.equal(new Set(made.accountIds).size, 1500);
  });

  test('the subtree query returns every member, at every level', async () => {
    const all = await listMembers(a.db, { subtreePath: made.root.path, limit: 10_000 });
    assert.equal(all.length, 1500);
    assert.equal(await countMembers(a.db, made.root.path), 1500);
    for (const d of made.districts) {
      const expected = made.cells.filter((c) => c.path.startsWith(d.path)).reduce((s, c) => s + c.members.count, 0);
      assert.equal(await countMembers(a.db, d.path), expected, d.name);
    }
    const cell = made.cells[7]!;
    const inCell = await listMembers(a.db, { cellId: cell.id, limit: 1000 });
    assert.deepEqual(inCell.map((m) => m.personId).sort((x, y) => x - y), made.personIds.slice(cell.members.first, cell.members.first + cell.members.count));
  });

  test('names carry the shared sort key and fold, and sort as Intl.Collator("vi")', async () => {
    const rows = await queryRows<{ full_name: string; sort_key: string; name_fold: string }>(a.db, sql`select full_name, sort_key, name_fold from people`);
    for (const r of rows) {
      assert.equal(r.sort_key, nameSortKey(r.full_name));
      assert.equal(r.name_fold, foldVietnamese(r.full_name));
    }
    const names = (await listMembers(a.db, { subtreePath: made.root.path, limit: 10_000 })).map((m) => m.fullName);
    assert.deepEqual(names, [...names].sort(compareNames));
    const collator = new Intl.Collator('vi');
    const givens = names.map((n) => n.split(' ').at(-1)!);
    for (let i = 1; i < givens.length; i++) assert.ok(collator.compare(givens[i - 1]!, givens[i]!) <= 0, `${givens[i - 1]} before ${givens[i]}`);
  });

  test('synthetic members cannot log in until a password is set', async () => {
    const [withPhone] = await queryRows<{ phone: string }>(a.db, sql`select phone from people where phone is not null limit 1`);
    assert.deepEqual(await candidateAccounts(a.db, withPhone!.phone), []);
  });

  test('the same seed twice is refused and writes nothing; another seed goes beside it', async () => {
    const before = await snapshot(a);
    await assert.rejects(generateProvince(a.db, a.kind, SHAPE), (e: unknown) => e instanceof DomainError && e.code === 'conflict' && /seed 42/.test(e.message));
    assert.deepEqual(await snapshot(a), before);
    const other = await generateProvince(a.db, a.kind, { members: 200, seed: 7 });
    assert.equal(other.counts.members, 200);
    assert.equal(await count(a, 'select count(*) n from members'), 1700);
  });
});

describe(`generateProvince next to the demo on ${dbLabel()}`, () => {
  let db: TestDatabase;
  before(async () => {
    db = await testDatabase({ demo: true });
  });
  after(async () => db?.close());

  test('adds a province beside the demo organisation without touching it', async () => {
    const demoMembers = await count(db, 'select count(*) n from members');
    const made = await generateProvince(db.db, db.kind, { members: 300, seed: 3 });
    assert.equal(await count(db, 'select count(*) n from members'), demoMembers + 300);
    assert.equal(await countMembers(db.db, made.root.path), 300);
    // Ids came from the sequences: creating a unit the ordinary way still works afterwards.
    const [next] = await queryRows<{ id: number }>(db.db, sql`insert into units (tree, kind, path, depth, name, name_fold) values ('party', 'cell', '/tmp/', 0, 'x', 'x') returning id`);
    assert.ok(Number(next!.id) > Math.max(...made.cells.map((c) => c.id)));
  });
});
