// The synthetic publications used by the bench, on a small synthetic province: written through
// COPY on both databases; the set-based roll-up agrees with a plain count of the confirmations,
// per unit and in total; a member's home count agrees with their own rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { queryRows } from '../core/db/client.ts';
import { loadActor } from '../core/auth/actor.ts';
import { generateProvince, type SyntheticProvince } from '../core/synthetic/generator.ts';
import { countPending, getPublication, rollup } from './publications.ts';
import { generatePublications, type SyntheticPublications } from './synthetic.ts';

let t: TestDatabase;
let province: SyntheticProvince;
let pubs: SyntheticPublications;
before(async () => {
  t = await testDatabase({ demo: false });
  province = await generateProvince(t.db, t.kind, { members: 1200, cells: 40, seed: 77 });
  pubs = await generatePublications(t.db, t.kind, province, { publications: 60, reads: 6000 });
});
after(() => t.close());

test('publications, one audience row each, and about the confirmations asked for', async () => {
  assert.equal(pubs.ids.length, 60);
  const [c] = await queryRows<{ p: number; a: number; r: number }>(t.db, sql`select (select count(*) from publications)::int as p, (select count(*) from publication_audience)::int as a, (select count(*) from publication_reads)::int as r`);
  assert.deepEqual([Number(c!.p), Number(c!.a), Number(c!.r)], [60, 60, pubs.reads]);
  assert.ok(pubs.reads > 4000 && pubs.reads < 8000, `${pubs.reads} confirmations`);
  assert.ok(pubs.provinceWide.length >= 1);
});

test('the roll-up by district and commune agrees with a plain count of the confirmations', async () => {
  const wide = pubs.provinceWide[0]!;
  const pub = await getPublication(t.db, wide.id);
  const { total, rows } = await rollup(t.db, pub, { path: province.root.path, depth: 0 }, 2);
  assert.equal(total.expected, province.counts.members);
  assert.equal(total.read, wide.reads);
  const byUnit = await queryRows<{ id: number; n: number }>(
    t.db,
    sql`select u.id, count(*)::int as n from publication_reads r join members m on m.person_id = r.person_id join units c on c.id = m.unit_id
        join units u on c.path like u.path || '%' and u.depth in (1, 2) where r.publication_id = ${wide.id} group by u.id`,
  );
  const plain = new Map(byUnit.map((x) => [Number(x.id), Number(x.n)]));
  assert.equal(rows.length, province.districts.length + province.communes.length);
  for (const row of rows) assert.equal(row.read, plain.get(row.unitId) ?? 0, row.name);
  const districts = rows.filter((r) => r.depth === 1);
  assert.equal(districts.reduce((s, r) => s + r.expected, 0), province.counts.members);
});

test("a member's home count is the publications reaching them minus those done", async () => {
  const k = province.cells[3]!.members.first + 2;
  const actor = (await loadActor(t.db, province.accountIds[k]!))!;
  const cellPath = province.cells[3]!.path;
  const [row] = await queryRows<{ n: number }>(
    t.db,
    sql`select count(*)::int as n from publications p
        where exists (select 1 from publication_audience a join units u on u.id = a.unit_id where a.publication_id = p.id and ${cellPath} like u.path || '%')
          and not exists (select 1 from publication_reads r where r.publication_id = p.id and r.person_id = ${province.personIds[k]!} and (p.requirement <> 'study' or r.studied_at is not null))`,
  );
  assert.equal(await countPending(t.db, actor), Number(row!.n));
});
