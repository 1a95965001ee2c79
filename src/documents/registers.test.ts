// Gapless register numbers under real concurrency. PGlite runs one query at a time on one
// connection, so parallel saves there are serialised by construction and prove nothing: the
// proofs run on PostgreSQL only (npm test with DATABASE_URL), with a pool of real connections.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { testDatabase, onPostgres, type TestDatabase } from '../../test/kit/db.ts';
import { unitByName } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { DuplicateDocumentError, registerDocument } from './documents.ts';
import { registerCounters, registerEntries } from './schema.ts';
import { validateDocument } from './validation.ts';

const SKIP = onPostgres() ? false : 'the embedded database (PGlite) has a single connection and serialises every transaction, so concurrency proves nothing there; this proof runs in the PostgreSQL pass (DATABASE_URL)';
const PARALLEL = 200;

let t: TestDatabase;
before(async () => {
  if (onPostgres()) t = await testDatabase({ demo: true, poolSize: 24 });
});
after(() => t?.close());

function input(n: number, extra: Record<string, string> = {}) {
  const v = validateDocument(
    {
      direction: 'incoming',
      number: `${n}/CV-SYT`,
      kind: 'cong_van',
      issuer: 'Sở Y tế tỉnh Thái Bình',
      date: '02/01/2024',
      subject: `Về việc báo cáo tình hình phòng, chống dịch, lần ${n}`,
      text: `Số: ${n}/CV-SYT\nV/v báo cáo tình hình phòng, chống dịch\n\nĐề nghị các đơn vị báo cáo trước 15h00 hằng ngày.`,
      entryDate: '03/01/2024',
      ...extra,
    },
    'vi',
    '2026-11-22',
  );
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
}

test(`${PARALLEL} parallel saves into one register get the numbers 1…n exactly once, and failed saves leave no gap`, { skip: SKIP }, async () => {
  const unit = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
  let inFlight = 0;
  let maxInFlight = 0;
  const outcomes = await Promise.allSettled(
    Array.from({ length: PARALLEL }, (_, i) =>
      t.db.transaction(async (tx) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          const r = await registerDocument(tx, SYSTEM_CONTEXT, { unitId: unit.id, input: input(i + 1) });
          // Every seventh save fails after its number was taken (a crash before commit).
          if (i % 7 === 3) throw new Error(`simulated failure after taking number ${r.entry.seq}`);
          return r.entry.seq;
        } finally {
          inFlight--;
        }
      }),
    ),
  );
  const saved = outcomes.filter((o): o is PromiseFulfilledResult<number> => o.status === 'fulfilled').map((o) => o.value);
  const failed = outcomes.filter((o) => o.status === 'rejected');
  assert.equal(failed.length, Math.ceil((PARALLEL - 3) / 7));
  assert.ok(failed.every((o) => /simulated failure/.test(String((o as PromiseRejectedResult).reason))), 'only the simulated failures failed');
  const rows = await t.db
    .select({ seq: registerEntries.seq })
    .from(registerEntries)
    .where(and(eq(registerEntries.unitId, unit.id), eq(registerEntries.direction, 'incoming'), eq(registerEntries.year, 2024)));
  const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
  assert.equal(seqs.length, saved.length);
  assert.deepEqual(seqs, Array.from({ length: saved.length }, (_, i) => i + 1), 'numbers run 1…n without gaps or duplicates');
  assert.deepEqual([...saved].sort((a, b) => a - b), seqs, 'each save was told its own number');
  const [counter] = await t.db.select().from(registerCounters).where(and(eq(registerCounters.unitId, unit.id), eq(registerCounters.year, 2024), eq(registerCounters.direction, 'incoming')));
  assert.equal(counter?.lastNumber, saved.length);
  assert.ok(maxInFlight > 10, `saves really overlapped (at most ${maxInFlight} at once)`);
  assert.ok((t.pool?.totalCount ?? 0) > 10, `the pool opened ${t.pool?.totalCount} connections`);
  process.stdout.write(`# gapless proof: ${PARALLEL} parallel saves, ${saved.length} committed (numbers 1…${saved.length}), ${failed.length} rolled back, up to ${maxInFlight} in flight on ${t.pool?.totalCount} connections\n`);
});

test('the same document saved ten times at once is registered once; the others are told it is a duplicate', { skip: SKIP }, async () => {
  const unit = await unitByName(t.db, 'Đảng ủy phường Phú Khánh');
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => registerDocument(t.db, SYSTEM_CONTEXT, { unitId: unit.id, input: input(4242, { entryDate: '04/01/2024' }) })));
  const ok = outcomes.filter((o) => o.status === 'fulfilled');
  const dup = outcomes.filter((o) => o.status === 'rejected' && (o as PromiseRejectedResult).reason instanceof DuplicateDocumentError);
  assert.equal(ok.length, 1);
  assert.equal(dup.length, 9);
  const rows = await t.db.select({ seq: registerEntries.seq }).from(registerEntries).where(and(eq(registerEntries.unitId, unit.id), eq(registerEntries.year, 2024)));
  assert.deepEqual(rows.map((r) => r.seq), [1], 'the duplicates took no number');
});

test('two registers fill in parallel without touching each other', { skip: SKIP }, async () => {
  const a = await unitByName(t.db, 'Đảng ủy xã Đông Thọ');
  const b = await unitByName(t.db, 'Đảng ủy xã Vũ Phúc');
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      registerDocument(t.db, SYSTEM_CONTEXT, { unitId: i % 2 ? a.id : b.id, input: input(10_000 + i, { direction: 'outgoing', entryDate: '05/01/2025', date: '05/01/2025' }) }),
    ),
  );
  for (const u of [a, b]) {
    const rows = await t.db.select({ seq: registerEntries.seq }).from(registerEntries).where(and(eq(registerEntries.unitId, u.id), eq(registerEntries.direction, 'outgoing'), eq(registerEntries.year, 2025)));
    assert.deepEqual(rows.map((r) => r.seq).sort((x, y) => x - y), Array.from({ length: 30 }, (_, i) => i + 1));
  }
});
