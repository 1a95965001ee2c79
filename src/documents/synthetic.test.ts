// The synthetic documents used by the search benchmarks, and search over a library large enough
// for the "broad" ranking (more matches than the count cap): subject matches first, then the
// newest; the same answers on PGlite and PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { queryRows } from '../core/db/client.ts';
import { generateDocuments, type SyntheticDocuments } from './synthetic.ts';
import { searchLibrary } from './search.ts';

let t: TestDatabase;
let made: SyntheticDocuments;
let root: string;
before(async () => {
  t = await testDatabase({ demo: true });
  const province = await unitByCode(t.db, 'TB');
  const city = await unitByCode(t.db, 'TB-TP');
  root = province.path;
  made = await generateDocuments(t.db, t.kind, { count: 1500, unitIds: [province.id, city.id], seed: 7 });
});
after(() => t.close());

test('bodies are 2–4 KB cut from the seeds, numbers unique, registers numbered without gaps, the same on every run', async () => {
  assert.equal(made.count, 1500);
  assert.ok(made.bytes.min >= 2048 && made.bytes.max <= 4096, JSON.stringify(made.bytes));
  assert.deepEqual(made.sampleNumbers.slice(0, 3), ['1/KH-SYT', '1/CT-SYT', '1/BC-SYT']);
  const gaps = await queryRows<{ unit_id: number; year: number; n: number | string; max: number }>(
    t.db,
    sql`select unit_id, year, count(*) as n, max(seq) as max from register_entries where direction = 'incoming' group by unit_id, year having count(*) <> max(seq)`,
  );
  assert.deepEqual(gaps, []);
  const [words] = await queryRows<{ n: number | string }>(t.db, sql`select count(*) as n from search_words`);
  assert.ok(Number(words!.n) > 100, 'the vocabulary for corrections is filled');
});

test('a query matching more documents than the cap ranks header matches first, then the newest', async () => {
  const scope = { staff: [root], classified: [] };
  const r = await searchLibrary(t.db, scope, { q: 'cach ly tap trung' });
  assert.equal(r.totalCapped, true);
  assert.equal(r.hits.length, 20);
  assert.match(r.hits[0]!.subject.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').toLowerCase(), /cach ly tap trung/);
  const headMatches = r.hits.filter((h) => (h.subjectMarked ?? '').includes('⟦'));
  assert.ok(headMatches.length > 0);
  // Within equal rank, newest first.
  for (let i = 1; i < r.hits.length; i++) if (r.hits[i]!.rank === r.hits[i - 1]!.rank) assert.ok((r.hits[i]!.date ?? '') <= (r.hits[i - 1]!.date ?? ''));
  const number = made.sampleNumbers[5]!;
  const byNumber = await searchLibrary(t.db, scope, { q: number.replace(/[/-]/g, ' ') });
  assert.equal(byNumber.hits[0]?.number, number);
});
