import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../test/kit/db.ts';
import { seedDemo } from './demo.ts';
import { createUnit } from '../org/tree.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { queryRows } from '../core/db/client.ts';

const count = async (db: Parameters<typeof queryRows>[0], table: string) => Number((await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);

test('the demo loads once: a second run loads nothing twice', async () => {
  const d = await testDatabase();
  try {
    const first = await seedDemo(d.db);
    assert.equal(first.skipped, false);
    const units = await count(d.db, 'units');
    const people = await count(d.db, 'people');
    assert.ok(units > 40 && people > 80, `${units} units, ${people} people`);
    const second = await seedDemo(d.db);
    assert.equal(second.skipped, 'already_loaded');
    assert.equal(await count(d.db, 'units'), units);
    assert.equal(await count(d.db, 'people'), people);
  } finally {
    await d.close();
  }
});

test('a database holding real data never receives the demo', async () => {
  const d = await testDatabase();
  try {
    await d.db.transaction((tx) => createUnit(tx, SYSTEM_CONTEXT, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy Thật' }));
    const r = await seedDemo(d.db);
    assert.equal(r.skipped, 'real_data');
    assert.equal(await count(d.db, 'units'), 1);
    assert.equal(await count(d.db, 'accounts'), 0);
  } finally {
    await d.close();
  }
});
