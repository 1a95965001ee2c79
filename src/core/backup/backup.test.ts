// Backup and restore: a round trip of the demo organisation (plus rows chosen to be hard to carry:
// bytea, jsonb, timestamps with time zone, dates, bigints beyond 2^53, newlines, NFD text, a unit
// whose parent has a larger id) on this run's database, and across databases in the PostgreSQL
// pass; every refusal writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { testDatabase, onPostgres, dbLabel } from '../../../test/kit/db.ts';
import { migrateDatabase, openDatabase, queryRows, type Database, type Db } from '../db/client.ts';
import { readCatalog } from './catalog.ts';
import { backupDatabase, readBackupHeader, restoreDatabase } from './backup.ts';
import { SYSTEM_CONTEXT } from '../audit/audit.ts';
import { createUnit, moveUnit } from '../../org/tree.ts';
import { units } from '../../org/schema.ts';
import { memberImports as imports } from '../../people/schema.ts';
import { authenticate } from '../auth/login.ts';
import { DEMO_PASSWORD, seedDemo } from '../../demo/demo.ts';
import { DomainError } from '../errors.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sotay-backup-test-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

/** Every table's rows in PostgreSQL's text form, in a fixed order, read in UTC. */
async function snapshot(db: Db): Promise<Record<string, string[]>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), set_config('extra_float_digits', '3', true), set_config('bytea_output', 'hex', true)`);
    const out: Record<string, string[]> = {};
    for (const t of (await readCatalog(tx)).tables) {
      const rows = await queryRows<{ r: string }>(tx, sql.raw(`select x::text as r from "${t.name}" x order by x::text collate "C"`));
      out[t.name] = rows.map((r) => r.r);
    }
    return out;
  });
}

async function sequences(db: Db): Promise<Record<string, { last: bigint; called: boolean; max: bigint }>> {
  const out: Record<string, { last: bigint; called: boolean; max: bigint }> = {};
  for (const s of (await readCatalog(db)).sequences) {
    const [v] = await queryRows<{ last: string; called: boolean }>(db, sql.raw(`select last_value::text as last, is_called as called from ${s.sequence}`));
    const [m] = await queryRows<{ max: string | null }>(db, sql.raw(`select coalesce(max("${s.column}"), 0)::text as max from "${s.table}"`));
    out[`${s.table}.${s.column}`] = { last: BigInt(v!.last), called: v!.called, max: BigInt(m!.max!) };
  }
  return out;
}

const position = (s: { last: bigint; called: boolean }) => (s.called ? s.last : s.last - 1n);

/** Rows the demo does not have, each hard to carry in its own way. */
async function addDifficultRows(db: Db): Promise<void> {
  const [cell] = await db.select().from(units).where(eq(units.kind, 'cell')).limit(1);
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await db.insert(imports).values([
    {
      unitId: cell!.id,
      createdBy: 1,
      fileName: 'Danh sách đảng viên — Đông Thọ.xlsx',
      content: Buffer.concat([every, crypto.randomBytes(100_000), every]),
      status: 'done',
      report: { rows: [{ row: 2, errors: { fullName: 'Thiếu họ tên' } }], big: 12345678901234567890n.toString(), exact: 1.0000000000000002, tiny: 5e-324, emoji: '👍', quote: '"\\\n', nested: { a: [1, 2, { b: null }] } },
    },
    // Two large ones, so a restore batch is cut by size rather than by row count.
    { unitId: cell!.id, createdBy: 1, fileName: 'lớn-1.csv', content: crypto.randomBytes(1_500_000) },
    { unitId: cell!.id, createdBy: 1, fileName: 'lớn-2.csv', content: crypto.randomBytes(1_500_000) },
    { unitId: cell!.id, createdBy: 1, fileName: 'rỗng.csv', content: Buffer.alloc(0) },
  ]);
  await db.execute(sql`update member_imports set report = '{"n": 123456789012345678901234567890.000000000000000001, "f": 0.1}'::jsonb,
                         created_at = '2024-02-29 23:59:59.123456+07', finished_at = 'infinity' where file_name = 'lớn-1.csv'`);
  // A bigint beyond 2^53 as a key and inside jsonb; microseconds; a date before the common era.
  await db.execute(sql`insert into jobs (id, queue, payload, status, run_at, attempts, created_at, finished_at)
                       values (9007199254740993, 'test.queue', '{"id": 9007199254740993, "s": "Sổ tay"}', 'dead', '2024-01-01 00:00:00.000001+00', 3, '1999-12-31 23:59:59.999999-05', '-infinity')`);
  await db.execute(sql`update people set birth_date = '0044-03-15 BC' where id = (select min(id) from people)`);
  // Text with a newline, a tab, quotes, and in decomposed (NFD) form.
  await db.execute(sql`update units set short_name = ${'dòng 1\ndòng 2\t"x"\\ ' + 'Thái Bình'.normalize('NFD')} where id = (select min(id) from units)`);
  // A unit whose parent was created after it: the restore meets the child first.
  const root = await db.transaction((t) => createUnit(t, SYSTEM_CONTEXT, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy Kiểm thử' }));
  const older = await db.transaction((t) => createUnit(t, SYSTEM_CONTEXT, { parentId: root.id, kind: 'cell', name: 'Chi bộ cũ' }));
  const newer = await db.transaction((t) => createUnit(t, SYSTEM_CONTEXT, { parentId: root.id, kind: 'party_grassroots', name: 'Đảng ủy mới' }));
  await db.transaction((t) => moveUnit(t, SYSTEM_CONTEXT, older.id, newer.id));
}

async function roundTrip(source: Database, target: Database, name: string, batchRows?: number) {
  const before = await snapshot(source.db);
  const beforeSeq = await sequences(source.db);
  const b = await backupDatabase(source, file(name));
  assert.equal(b.rows, Object.values(before).reduce((n, rows) => n + rows.length, 0));
  const r = await restoreDatabase(target, file(name), batchRows ? { batchRows } : {});
  assert.equal(r.rows, b.rows);

  const afterRestore = await snapshot(target.db);
  const [entry] = await queryRows<{ id: string; after: { rows: number } }>(target.db, sql`select id::text as id, after from audit_log where action = 'system.restore' order by id desc limit 1`);
  assert.equal(entry!.after.rows, b.rows, 'the restore is in the audit log');
  assert.equal(afterRestore.audit_log!.length, before.audit_log!.length + 1);
  afterRestore.audit_log = afterRestore.audit_log!.filter((row) => !row.startsWith(`(${entry!.id},`));
  assert.deepEqual(Object.keys(afterRestore), Object.keys(before));
  for (const table of Object.keys(before)) assert.deepEqual(afterRestore[table], before[table], `table ${table} comes back identical`);

  const afterSeq = await sequences(target.db);
  for (const [key, s] of Object.entries(beforeSeq)) {
    const restored = afterSeq[key]!;
    const expected = position(s) > s.max ? position(s) : s.max;
    assert.equal(position(restored), key === 'audit_log.id' ? expected + 1n : expected, `sequence of ${key}`);
    assert.ok(position(restored) >= restored.max, `sequence of ${key} is past every row`);
  }
  return { b, r };
}

let source: Database;
before(async () => {
  source = await testDatabase({ demo: true });
  await addDifficultRows(source.db);
});
after(() => source.close());

test(`backup then restore into an empty database gives back every row exactly (${dbLabel()})`, async () => {
  const target = await testDatabase();
  try {
    // One row per statement: the moved unit arrives before its parent and is linked afterwards.
    const { b } = await roundTrip(source, target, 'same.jsonl.gz', 1);
    const header = await readBackupHeader(file('same.jsonl.gz'));
    assert.equal(header.source, source.kind);
    assert.ok(header.migrations.count >= 3);
    assert.equal(header.tables.find((t) => t.name === 'member_imports')!.rows, 4);
    assert.equal((fs.statSync(file('same.jsonl.gz')).mode & 0o777).toString(8), '600', 'the file holds password hashes: owner only');
    assert.ok(b.bytes > 3_000_000);

    // The audit log stays append-only, and the restored database works: a demo login succeeds.
    const appendOnly = (e: unknown) => /append-only/.test(String((e as Error).message) + String(((e as Error).cause as Error | undefined)?.message));
    await assert.rejects(target.db.execute(sql`update audit_log set action = 'x' where id = 1`), appendOnly);
    await assert.rejects(target.db.execute(sql`delete from audit_log where id = 1`), appendOnly);
    const login = await authenticate(target.db, { identifier: 'admin', password: DEMO_PASSWORD, ip: 'test', device: { id: null, trustedAccountIds: [] } });
    assert.equal(login.ok, true);
    // New rows get fresh ids after the restored ones.
    const unit = await target.db.transaction((t) => createUnit(t, SYSTEM_CONTEXT, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy Sau khôi phục' }));
    const [max] = await queryRows<{ m: number }>(target.db, sql`select max(id) as m from units where id <> ${unit.id}`);
    assert.ok(unit.id > max!.m);
  } finally {
    await target.close();
  }
});

test('restore refuses a database that is not empty, and writes nothing', async () => {
  await backupDatabase(source, file('refuse.jsonl.gz'));
  const target = await testDatabase({ demo: true });
  try {
    const before = await snapshot(target.db);
    await assert.rejects(restoreDatabase(target, file('refuse.jsonl.gz')), (e: unknown) => e instanceof DomainError && /không trống \(audit_log: \d+ dòng/.test(e.message) && /Chưa ghi gì/.test(e.message));
    assert.deepEqual(await snapshot(target.db), before);
  } finally {
    await target.close();
  }
});

test('restore refuses a damaged, cut-off or foreign file, and writes nothing', async () => {
  const good = file('good.jsonl.gz');
  await backupDatabase(source, good);
  const lines = zlib.gunzipSync(fs.readFileSync(good)).toString('utf8').split('\n');
  const write = (name: string, content: string | Buffer) => {
    fs.writeFileSync(file(name), typeof content === 'string' ? zlib.gzipSync(content) : content);
    return file(name);
  };
  const header = JSON.parse(lines[0]!) as { migrations: { hashes: string[] } };
  header.migrations.hashes[0] = 'abc';
  const unitsMarker = lines.indexOf('{"table":"units"}');
  const auditMarker = lines.indexOf('{"table":"audit_log"}');
  const cases: [string, string, RegExp][] = [
    [write('cut.gz', fs.readFileSync(good).subarray(0, Math.floor(fs.statSync(good).size / 2))), 'cut in the middle of the gzip stream', /không phải dạng gzip hoặc bị cắt cụt/],
    [write('noend.gz', lines.slice(0, -2).join('\n') + '\n'), 'missing its last line', /cắt cụt \(thiếu dòng kết thúc\)/],
    [write('plain.txt', Buffer.from('không phải tệp nén\n')), 'not gzip', /không phải dạng gzip/],
    [write('other.gz', '{"hello":1}\n'), 'another JSON file', /không phải phần đầu/],
    [write('schema.gz', [JSON.stringify(header), ...lines.slice(1)].join('\n')), 'another schema version', /cấu trúc dữ liệu khác/],
    [write('rowgone.gz', [...lines.slice(0, auditMarker + 1), ...lines.slice(auditMarker + 2)].join('\n')), 'a row missing', /bảng audit_log có \d+ dòng, phần đầu ghi/],
    [write('badrow.gz', [...lines.slice(0, unitsMarker + 1), '["1","x"]', ...lines.slice(unitsMarker + 2)].join('\n')), 'a row of the wrong width', /không đúng 15 cột/],
    [write('badvalue.gz', [...lines.slice(0, unitsMarker + 1), lines[unitsMarker + 1]!.replace(/^\["\d+"/, '["không phải số"'), ...lines.slice(unitsMarker + 2)].join('\n')), 'a value the column refuses', /Không ghi được bảng units/],
  ];
  const target = await testDatabase();
  try {
    const empty = await snapshot(target.db);
    for (const [f, what, message] of cases) {
      await assert.rejects(restoreDatabase(target, f), (e: unknown) => e instanceof DomainError && message.test(e.message), what);
      assert.deepEqual(await snapshot(target.db), empty, `nothing written for a file ${what}`);
    }
    await assert.rejects(restoreDatabase(target, file('absent.gz')), /Không có tệp/);
    await assert.rejects(backupDatabase(source, good), /đã có/, 'an existing backup is never overwritten');
  } finally {
    await target.close();
  }
});

test('tables come in foreign-key order and the file ends with the total', async () => {
  const lines = zlib.gunzipSync(fs.readFileSync(file('good.jsonl.gz'))).toString('utf8').split('\n');
  const markers = lines.filter((l) => l.startsWith('{"table":')).map((l) => (JSON.parse(l) as { table: string }).table);
  const order = markers.indexOf.bind(markers);
  assert.ok(order('units') < order('members') && order('people') < order('members') && order('people') < order('accounts') && order('accounts') < order('role_assignments'), 'tables in foreign-key order');
  assert.match(lines.at(-2)!, /^\{"end":true,"rows":\d+\}$/);
});

const crossSkip = onPostgres() ? false : 'needs PostgreSQL (DATABASE_URL): runs in the PostgreSQL pass';

test('embedded (PGlite) → PostgreSQL and back: the migration path to production', { skip: crossSkip }, async () => {
  const embedded = await openDatabase({ kind: 'pglite' });
  const pg = await testDatabase();
  const back = await openDatabase({ kind: 'pglite' });
  try {
    await migrateDatabase(embedded);
    await seedDemo(embedded.db);
    await addDifficultRows(embedded.db);
    await roundTrip(embedded, pg, 'to-postgres.jsonl.gz');
    await migrateDatabase(back);
    await roundTrip(pg, back, 'from-postgres.jsonl.gz');
    const header = await readBackupHeader(file('from-postgres.jsonl.gz'));
    assert.equal(header.source, 'postgres');
  } finally {
    await back.close();
    await pg.close();
    await embedded.close();
  }
});
