import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/kit/db.ts';
import { audit } from './audit.ts';
import { auditLog } from './schema.ts';

let d: TestDatabase;
before(async () => {
  d = await testDatabase();
});
after(() => d.close());

test('the audit log is append-only, even for SQL run directly against the tables', async () => {
  await audit(d.db, { accountId: null }, { action: 'unit.create', entityType: 'unit', entityId: 1, after: { name: 'x', passwordHash: 'secret' } });
  const [row] = await d.db.select().from(auditLog);
  assert.deepEqual(row!.after, { name: 'x', passwordHash: '[ẩn]' }, 'secrets never reach the log');
  const refused = (e: unknown) => /append-only/.test(String((e as { cause?: Error }).cause?.message ?? (e as Error).message));
  await assert.rejects(d.db.execute(sql`update audit_log set action = 'x'`), refused);
  await assert.rejects(d.db.execute(sql`delete from audit_log`), refused);
  await assert.rejects(d.db.execute(sql`truncate audit_log`), refused);
  assert.equal((await d.db.select().from(auditLog)).length, 1);
});
