// The demo library: every document of every seed file is registered on the first start, and
// every citation whose cited document is in the same library is linked (placeholders remain only
// for documents that are not there).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { queryRows } from '../core/db/client.ts';
import { foldVietnamese } from '../core/text/vietnamese.ts';
import { SEEDS_DIR } from './demo.ts';
import { parseDocumentsWithText } from './parser/index.ts';
import { relatedDocuments } from './documents.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase({ demo: true });
});
after(() => t.close());

test('every document of every seed file is in the demo library', async () => {
  const seeds = fs.readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.txt')).sort();
  assert.ok(seeds.length >= 5);
  const found = seeds.flatMap((f) => parseDocumentsWithText(fs.readFileSync(path.join(SEEDS_DIR, f), 'utf8')).map((d) => ({ f, d: d.document })));
  assert.equal(found.length, 11, '000 is a newspaper page (no document), 001–003 hold one each, 004 holds eight');
  const rows = await queryRows<{ number: string | null; subject: string; date: string | Date | null }>(t.db, sql`select number, subject, date from documents`);
  for (const { f, d } of found) {
    // Unnumbered ones by their subject (the clerk may have shortened it: "CỦA BAN THƯỜNG VỤ TỈNH ỦY về …" → "Về …").
    const there = d.number ? rows.some((r) => r.number === d.number) : rows.some((r) => d.subject != null && foldVietnamese(d.subject).includes(foldVietnamese(r.subject)));
    assert.ok(there, `${f}: ${d.number ?? d.subject}`);
  }
});

test('citations are linked wherever both ends are in the same library', async () => {
  const waiting = await queryRows<{ from_number: string | null; target_number: string }>(
    t.db,
    sql`select f.number as from_number, l.target_number from document_links l join documents f on f.id = l.from_document_id
        where l.to_document_id is null and exists (
          select 1 from documents d where d.unit_id = f.unit_id and d.number_key = l.target_key and d.id <> f.id
            and (l.target_date is null or d.date is null or d.date = l.target_date))`,
  );
  assert.deepEqual(waiting, [], 'no placeholder waits for a document that is there');
  const linked = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from document_links where to_document_id is not null`);
  assert.ok(Number(linked[0]!.n) >= 5, `${linked[0]!.n} links resolved`);
  const [doc] = await queryRows<{ id: number }>(t.db, sql`select id from documents where number = '1440/UBND-KGVX'`);
  const rel = await relatedDocuments(t.db, Number(doc!.id));
  assert.ok(rel.outgoing.some((l) => l.number === '89/TB-VPCP' && l.target?.number === '89/TB-VPCP'), '1440/UBND-KGVX cites 89/TB-VPCP, linked');
  const [amended] = await queryRows<{ id: number }>(t.db, sql`select id from documents where number = '597/CD-BCĐ'`);
  assert.deepEqual((await relatedDocuments(t.db, Number(amended!.id))).incoming.filter((l) => l.kind === 'amends').map((l) => l.from.number), ['600/CD-BCĐ']);
});
